// The listener and the server's lifecycle: accept and admit connections, hand each to a session
// (session.cpp) on one of the event loops (event_loops.cpp), and stop gracefully.
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

#include "http/connection_registry.hpp"
#include "http/event_loops.hpp"
#include "http/response.hpp"
#include "http/session.hpp"
#include "http/worker_pool.hpp"

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
  ~Impl() {
    finished_ = true;
    // Before the loops go: a late wake-up of a fiber is dropped, and the coroutines still owed
    // an answer by one are given up, to be destroyed with their loops.
    loops_open_->Close();
  }

  void Start();
  std::uint16_t Port() const { return port_; }
  void Run();
  void RunUntilSignalled();
  void Stop();
  ServerStats Stats() const;

 private:
  tcp::endpoint Endpoint();
  asio::awaitable<void> AcceptLoop();
  void Admit(tcp::socket socket, asio::io_context& loop, const SessionContext& context);
  void WaitForSignal();
  void BeginShutdown();
  void FinishShutdown();
  void Abandon();

  ServerOptions options_;
  Handler handler_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> finished_{false};  // Run has returned: nothing may be posted any more
  SessionCounters counters_;
  BodyBudget bodies_;
  std::shared_ptr<LoopGate> loops_open_ = std::make_shared<LoopGate>();
  // Declared before the loops: sessions destroyed late still unregister themselves.
  ConnectionRegistry registry_;
  // The listener, the grace timer and signals; run by Run's caller.
  asio::io_context io_{1};
  // Destroyed before the registry and io_: destroying a loop destroys what its abandoned
  // sessions left, which unregister and may post to io_.
  EventLoops loops_;
  // Destroyed first: its destructor waits for handlers still running (abandoned ones), which
  // post their answers to the loops.
  WorkerPool workers_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::steady_timer grace_timer_;
  std::optional<asio::signal_set> signals_;
  std::uint16_t port_ = 0;
};

Server::Impl::Impl(ServerOptions options, Handler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      bodies_(options_.max_buffered_body_bytes),
      registry_({.max_connections = options_.max_connections,
                 .max_per_address = options_.max_connections_per_address,
                 .min_idle_to_evict = options_.min_idle_to_evict},
                [this] {
                  if (!finished_) {
                    asio::post(control_, [this] { FinishShutdown(); });
                  }
                }),
      loops_(options_.io_threads),
      workers_(options_.workers, options_.queue_limit),
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
  loops_.Start();
  asio::co_spawn(control_, AcceptLoop(), asio::detached);
}

// Connections are counted here, as they are accepted, so that a burst from the backlog cannot
// overshoot the cap.
asio::awaitable<void> Server::Impl::AcceptLoop() {
  const SessionContext context{&options_, &handler_,  &registry_, &workers_,
                               &bodies_,  &counters_, loops_open_};
  while (acceptor_.is_open()) {
    asio::io_context& loop = loops_.Next();
    tcp::socket socket(loop);
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
    Admit(std::move(socket), loop, context);
  }
}

void Server::Impl::Admit(tcp::socket socket, asio::io_context& loop,
                         const SessionContext& context) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) {
    return;  // gone already
  }
  // Answers are written whole; Nagle's algorithm would only delay the last segment.
  socket.set_option(tcp::no_delay(true), ec);
  const ConnectionRegistry::Admission admission = registry_.Admit(peer.address().to_string());
  switch (admission.verdict) {
    case ConnectionRegistry::Verdict::kAdmitted:
      ++counters_.accepted;
      asio::co_spawn(loop, ServeConnection(context, std::move(socket), admission.id),
                     asio::detached);
      return;
    case ConnectionRegistry::Verdict::kAddressFull:
      asio::co_spawn(loop, RefuseConnection(context, std::move(socket), 429), asio::detached);
      return;
    case ConnectionRegistry::Verdict::kServerFull:
      spdlog::debug("refusing a connection: {} are open, none idle", options_.max_connections);
      asio::co_spawn(loop, RefuseConnection(context, std::move(socket), 503), asio::detached);
      return;
  }
}

ServerStats Server::Impl::Stats() const {
  return {.connections = registry_.Count(),
          .connections_idle = registry_.IdleCount(),
          .requests_queued = workers_.Queued(),
          .requests_running = workers_.Running(),
          .requests_on_loop = counters_.on_loop,
          .connections_accepted = counters_.accepted,
          .connections_evicted = registry_.Evictions(),
          .connections_refused = counters_.refused,
          .requests_shed = counters_.shed,
          .requests_timed_out = counters_.timed_out,
          .requests_rejected = counters_.rejected};
}

void Server::Impl::Run() {
  // Returns when there is no work left: the listener closed and every connection finished
  // (or the grace period stopped everything).
  io_.run();
  loops_.Join();
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
                   registry_.Count());
      Abandon();
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
// registry, and that report runs on control_ after this function: no drain can be missed.
void Server::Impl::BeginShutdown() {
  error_code ignored;
  acceptor_.close(ignored);
  const std::size_t open = registry_.BeginStop();
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
    spdlog::warn("shutdown grace period over: abandoning {} open connections", registry_.Count());
    Abandon();
  });
}

// On control_: nothing is left to wait for, so the loops and io_.run() may return.
void Server::Impl::FinishShutdown() {
  grace_timer_.cancel();
  loops_.Finish();
  if (signals_) {
    error_code ignored;
    signals_->cancel(ignored);
  }
}

// Requests still running are left to finish on their workers; their answers are never sent.
void Server::Impl::Abandon() {
  loops_.Abandon();
  io_.stop();
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

ServerStats Server::Stats() const {
  return impl_->Stats();
}

}  // namespace nedlia::http
