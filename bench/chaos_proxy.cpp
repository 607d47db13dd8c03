// A TCP proxy on loopback that bench/chaos puts between the API processes and PostgreSQL, to
// cut the network between them and heal it again:
//   chaos_proxy LISTEN_PORT TARGET_PORT
// SIGUSR1 partitions: nothing more is read from either side of any connection (so nothing is
// forwarded; the kernels' buffers fill and both ends see silence, as across a lost link), and a
// new connection is accepted but not connected onwards. SIGUSR2 heals: reading resumes where it
// stopped and the held connections are connected. Nothing is lost or reordered, as with TCP
// across a partition shorter than its timeouts. Only 127.0.0.1 is ever connected to.
#include <array>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio.hpp>

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

/// Work parked while the link is cut, resumed in order when it heals.
class Link {
 public:
  bool Cut() const { return cut_; }
  void Partition() { cut_ = true; }
  void Heal() {
    cut_ = false;
    std::vector<std::function<void()>> parked;
    parked.swap(parked_);
    for (std::function<void()>& resume : parked)
      resume();
  }
  /// Runs `step` now, or when the link heals.
  void WhenUp(std::function<void()> step) {
    if (cut_) {
      parked_.push_back(std::move(step));
    } else {
      step();
    }
  }

 private:
  bool cut_ = false;
  std::vector<std::function<void()>> parked_;
};

/// One direction of a connection: reads from `from`, writes all of it to `to`, and again.
class Pump : public std::enable_shared_from_this<Pump> {
 public:
  Pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to, Link& link)
      : from_(std::move(from)), to_(std::move(to)), link_(link) {}

  void Start() {
    link_.WhenUp([self = shared_from_this()] { self->Read(); });
  }

 private:
  void Read() {
    from_->async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](boost::system::error_code error, std::size_t bytes) {
          if (error)
            return self->Close();
          self->link_.WhenUp([self, bytes] { self->Write(bytes); });
        });
  }

  void Write(std::size_t bytes) {
    asio::async_write(*to_, asio::buffer(buffer_, bytes),
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        if (error)
                          return self->Close();
                        self->link_.WhenUp([self] { self->Read(); });
                      });
  }

  void Close() {
    boost::system::error_code ignored;
    from_->close(ignored);
    to_->close(ignored);
  }

  std::shared_ptr<tcp::socket> from_;
  std::shared_ptr<tcp::socket> to_;
  Link& link_;
  std::array<char, std::size_t{64} * 1024> buffer_{};
};

class Proxy {
 public:
  Proxy(asio::io_context& io, unsigned short listen_port, unsigned short target_port)
      : io_(io),
        acceptor_(io, tcp::endpoint(asio::ip::address_v4::loopback(), listen_port)),
        target_(asio::ip::address_v4::loopback(), target_port),
        signals_(io, SIGUSR1, SIGUSR2) {}

  void Run() {
    Accept();
    Watch();
    std::cout << "proxying 127.0.0.1:" << acceptor_.local_endpoint().port() << " to " << target_
              << std::endl;
    io_.run();
  }

 private:
  void Accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
      if (!error) {
        auto client = std::make_shared<tcp::socket>(std::move(socket));
        link_.WhenUp([this, client] { Connect(client); });
      }
      Accept();
    });
  }

  void Connect(const std::shared_ptr<tcp::socket>& client) {
    auto server = std::make_shared<tcp::socket>(io_);
    server->async_connect(target_, [this, client, server](boost::system::error_code error) {
      if (error) {
        boost::system::error_code ignored;
        client->close(ignored);
        return;
      }
      std::make_shared<Pump>(client, server, link_)->Start();
      std::make_shared<Pump>(server, client, link_)->Start();
    });
  }

  void Watch() {
    signals_.async_wait([this](boost::system::error_code error, int signal) {
      if (error)
        return;
      if (signal == SIGUSR1) {
        link_.Partition();
        std::cout << "partitioned" << std::endl;
      } else {
        link_.Heal();
        std::cout << "healed" << std::endl;
      }
      Watch();
    });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  tcp::endpoint target_;
  asio::signal_set signals_;
  Link link_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: chaos_proxy LISTEN_PORT TARGET_PORT\n";
    return 2;
  }
  try {
    asio::io_context io;
    Proxy proxy(io, static_cast<unsigned short>(std::stoi(argv[1])),
                static_cast<unsigned short>(std::stoi(argv[2])));
    proxy.Run();
  } catch (const std::exception& error) {
    std::cerr << "chaos_proxy: " << error.what() << "\n";
    return 1;
  }
}
