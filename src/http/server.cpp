// The listener and the server's lifecycle: accept connections, hand each to a session
// (session.cpp) on a thread of its own (connection_threads.cpp), and stop gracefully.
#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "http/connection_threads.hpp"
#include "http/connection_tracker.hpp"
#include "http/response.hpp"
#include "http/session.hpp"

namespace nedlia::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// After a failed accept (out of file descriptors, say) we pause instead of spinning.
constexpr auto kAcceptRetryPause = std::chrono::milliseconds(100);

std::string HostPort(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::error_code ToStd(const error_code& ec) {
  return ec.category() == boost::system::system_category()
             ? std::error_code(ec.value(), std::system_category())
             : std::error_code(ec.value(), std::generic_category());
}

// "Address already in use" -> "address already in use", to read well after a colon.
std::string Lowercased(std::string message) {
  if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z') {
    message[0] = static_cast<char>(message[0] - 'A' + 'a');
  }
  return message;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler);
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  Impl(Impl&&) = delete;
  Impl& operator=(Impl&&) = delete;
  ~Impl() { finished_ = true; }

  void Start();
  std::uint16_t Port() const { return port_; }
  void Run();
  void RunUntilSignalled();
  void Stop();

 private:
  tcp::endpoint Endpoint();
  asio::awaitable<void> AcceptLoop();
  void RefuseBusy(tcp::socket& socket);
  void WaitForSignal();
  void BeginShutdown();
  void FinishShutdown();

  ServerOptions options_;
  Handler handler_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};   // Run has returned: nothing may be posted any more
  std::atomic<bool> abandoned_{false};  // the grace period ran out, or a second signal came
  // Declared before io_: sessions destroyed late still unregister themselves.
  ConnectionTracker tracker_;
  // The listener, the grace timer and signals; run by Run's caller.
  asio::io_context io_{1};
  // Declared after io_ and tracker_, so destroyed (waited for) first: a finishing session
  // unregisters from tracker_ and posts to io_.
  ConnectionThreads connections_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::steady_timer grace_timer_;
  std::optional<asio::signal_set> signals_;
  std::uint16_t port_ = 0;
};

Server::Impl::Impl(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      tracker_([this] {
        if (!finished_) {
          asio::post(control_, [this] { FinishShutdown(); });
        }
      }),
      control_(asio::make_strand(io_)),
      acceptor_(control_),
      grace_timer_(control_) {}

tcp::endpoint Server::Impl::Endpoint() {
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    return {address, options_.port};
  }
  tcp::resolver resolver(io_);
  const auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
  if (ec || results.empty()) {
    throw ServerError("cannot listen on " + HostPort(options_.host, options_.port) +
                          ": cannot resolve the host: " + Lowercased(ec.message()),
                      ToStd(ec));
  }
  return results.begin()->endpoint();
}

void Server::Impl::Start() {
  const tcp::endpoint endpoint = Endpoint();
  error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    // Lets a restarted server bind while connections of the previous one are in TIME_WAIT;
    // on Linux it does not allow two listeners on one port.
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    throw ServerError("cannot listen on " + HostPort(options_.host, options_.port) + ": " +
                          Lowercased(ec.message()),
                      ToStd(ec));
  }
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(control_, AcceptLoop(), asio::detached);
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  const SessionContext context{&options_, &handler_, &tracker_};
  while (acceptor_.is_open()) {
    auto loop = ConnectionThreads::NewLoop();
    tcp::socket socket(*loop);
    error_code ec;
    co_await acceptor_.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) {
      co_return;
    }
    if (ec) {
      spdlog::warn("accepting a connection failed: {}", ec.message());
      asio::steady_timer pause(control_, kAcceptRetryPause);
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (tracker_.Count() >= options_.max_connections) {
      spdlog::warn("refusing a connection: {} are open already", options_.max_connections);
      RefuseBusy(socket);
      continue;
    }
    try {
      connections_.Start(loop, std::move(socket), context);
    } catch (const std::system_error& error) {
      // No thread to be had (a process or memory limit): the listener goes on, and this
      // connection closes when `loop`, with the session it holds, goes.
      spdlog::warn("refusing a connection: cannot start its thread: {}", error.what());
    }
  }
}

// Past max_connections: a short answer, written at once (a fresh socket's send buffer is
// empty, so this does not block), then the connection is closed.
void Server::Impl::RefuseBusy(tcp::socket& socket) {
  static const std::string kBusy = [] {
    const std::string body =
        Response::Problem(503, "Service Unavailable", "too many connections").body;
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nServer: nedlia\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  error_code ignored;
  asio::write(socket, asio::buffer(kBusy), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void Server::Impl::Run() {
  // Returns when there is no work left: the listener closed and every connection finished
  // (or the grace period stopped io_ outright, and the connections with it).
  io_.run();
  // Abandoned handlers may still run: the destructor waits for them, Run does not.
  if (!abandoned_)
    connections_.WaitAll();
  finished_ = true;
  signals_.reset();
}

void Server::Impl::RunUntilSignalled() {
  signals_.emplace(control_, SIGINT, SIGTERM);
  WaitForSignal();
  Run();
}

void Server::Impl::WaitForSignal() {
  signals_->async_wait([this](const error_code& ec, int signal_number) {
    if (ec) {
      return;
    }
    if (stop_requested_) {
      spdlog::warn("signal {} during shutdown: abandoning {} open connections", signal_number,
                   tracker_.Count());
      abandoned_ = true;
      connections_.StopAll();
      io_.stop();
      return;
    }
    spdlog::info("signal {}: shutting down", signal_number);
    Stop();
    WaitForSignal();
  });
}

void Server::Impl::Stop() {
  if (stop_requested_.exchange(true)) {
    return;
  }
  asio::post(control_, [this] { BeginShutdown(); });
}

// On control_. Sessions that finish from now on report to FinishShutdown through the
// tracker, and that report runs on control_ after this function: no drain can be missed.
void Server::Impl::BeginShutdown() {
  error_code ignored;
  acceptor_.close(ignored);
  const std::size_t open = tracker_.BeginStop();
  if (open == 0) {
    FinishShutdown();
    return;
  }
  spdlog::info("waiting up to {} ms for {} open connections", options_.shutdown_grace.count(),
               open);
  grace_timer_.expires_after(options_.shutdown_grace);
  grace_timer_.async_wait([this](const error_code& ec) {
    if (ec) {
      return;  // every connection finished in time
    }
    spdlog::warn("shutdown grace period over: abandoning {} open connections", tracker_.Count());
    abandoned_ = true;
    connections_.StopAll();
    io_.stop();
  });
}

// On control_: nothing is left to wait for, so io_.run() may return.
void Server::Impl::FinishShutdown() {
  grace_timer_.cancel();
  if (signals_) {
    error_code ignored;
    signals_->cancel(ignored);
  }
}

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() = default;

void Server::Start() {
  impl_->Start();
}

std::uint16_t Server::Port() const {
  return impl_->Port();
}

void Server::Run() {
  impl_->Run();
}

void Server::RunUntilSignalled() {
  impl_->RunUntilSignalled();
}

void Server::Stop() {
  impl_->Stop();
}

}  // namespace nedlia::http
