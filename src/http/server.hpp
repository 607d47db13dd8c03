#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "http/handler.hpp"

namespace nedlia::http {

/// How the server listens, how many threads it uses and how long it waits.
struct ServerOptions {
  std::string host = "127.0.0.1";  ///< an IP address or a resolvable name
  std::uint16_t port = 8080;       ///< 0: an ephemeral port (see Server::Port)
  /// Connections served at once, each on a thread of its own; one more is answered 503 and
  /// closed.
  std::size_t max_connections = 1024;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  ///< a larger request body is answered 413
  /// Reading one request (from its first byte) or writing one response; on expiry the
  /// connection is closed.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  /// How long a keep-alive connection may wait for its next request. Above the 60 s idle
  /// timeout of common load balancers (AWS ALB), so that they, not we, close idle connections:
  /// otherwise a request sent on a connection we are closing fails with a 502.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(75);
  /// How long Stop waits for requests in flight before abandoning them.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);
};

/// The server cannot start, with a one-line message such as
/// "cannot listen on 127.0.0.1:8080: address already in use".
class ServerError : public std::runtime_error {
 public:
  ServerError(const std::string& message, std::error_code code)
      : std::runtime_error(message), code_(code) {}
  /// The system error behind it, e.g. std::errc::address_in_use.
  std::error_code Code() const { return code_; }

 private:
  std::error_code code_;
};

/// An HTTP/1.1 server with keep-alive. Every connection is served on a thread of its own, which
/// reads a request, runs `handler` and writes the answer: handlers may block (on the database)
/// without holding up other connections, and a request crosses no thread. It answers by itself:
/// 400 for a malformed request, 413 for a body over max_body_bytes, 431 for an oversized head,
/// 501 for an unknown method, 500 when the handler throws, 503 past max_connections. Every
/// response carries Content-Length and "Server: nedlia".
class Server {
 public:
  Server(ServerOptions options, Handler handler);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  Server(Server&&) = delete;
  Server& operator=(Server&&) = delete;
  /// Waits for connection threads still finishing; Run must have returned.
  ~Server();

  /// Binds and listens; throws ServerError when that fails. Call once, before Run.
  void Start();
  /// The port bound by Start (useful with port 0).
  std::uint16_t Port() const;
  /// Serves until Stop has finished; returns once every connection is closed or
  /// shutdown_grace has passed (abandoned requests get no answer; their handlers finish
  /// before the destructor returns). Call once.
  void Run();
  /// Run, with SIGINT or SIGTERM triggering Stop; a second signal abandons open requests.
  void RunUntilSignalled();
  /// Graceful stop, callable from any thread (a handler too) and more than once: stops
  /// accepting (shortly after it returns, it does not wait), closes idle keep-alive
  /// connections, lets requests in flight finish and answers them with "Connection: close".
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nedlia::http
