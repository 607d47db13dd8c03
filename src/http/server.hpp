#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>

#include "http/handler.hpp"
#include "http/request_metrics.hpp"

namespace nedlia::http {

/// How the server listens, how many threads it uses, and the bounds it puts on every
/// connection: each phase of a request is limited in time and in size, so that a slow or
/// hostile client costs a little memory and never a thread or another client's service.
struct ServerOptions {
  std::string host = "127.0.0.1";  ///< an IP address or a resolvable name
  std::uint16_t port = 8080;       ///< 0: an ephemeral port (see Server::Port)
  /// Threads running the connections' event loops (accept, read, write).
  std::size_t io_threads = 1;
  /// Threads running handlers, which may block on the database: size it to the database pool.
  std::size_t workers = 8;
  /// Requests that may wait for a free worker; one more is answered 503 with Retry-After at
  /// once (load shedding).
  std::size_t queue_limit = 64;
  /// The requests that run on their connection's event loop, in a fiber, instead of on a
  /// worker (null: none): those whose handlers wait only in ways a fiber can (reads by key
  /// through a shared reader), so that a request costs no thread hand-off. Whatever else
  /// would block moves the fiber to a worker first (process::LeaveEventLoop).
  std::function<bool(const Request&)> runs_on_loop;
  /// Requests on the event loops at once; more go to the workers (and their queue's bound).
  std::size_t max_on_loop = 1024;
  /// Connections open at once. At the cap, the connection idle the longest is closed to admit
  /// a new one; when none is idle, the new one is answered 503 and closed.
  std::size_t max_connections = 10000;
  /// How long a connection must have been idle (or reading its head) to be evicted at the cap.
  std::chrono::milliseconds min_idle_to_evict = std::chrono::seconds(1);
  /// Connections open at once from one client address (0: no limit); one more is answered 429.
  std::size_t max_connections_per_address = 0;
  /// The request line and header fields; more is answered 431. Also bounds a chunk-size line
  /// with its extensions and the trailer fields, and so the connection's read buffer.
  std::size_t max_header_bytes = std::size_t{16} * 1024;
  std::size_t max_body_bytes = std::size_t{1024} * 1024;  ///< a larger request body: 413
  /// Request bodies held in memory across all connections; a body that does not fit is
  /// answered 503 (a flood of large uploads cannot exhaust memory).
  std::size_t max_buffered_body_bytes = std::size_t{256} * 1024 * 1024;
  /// From a request's first byte until its last header field (and, on a new connection, until
  /// its first byte); on expiry the connection is closed.
  std::chrono::milliseconds header_timeout = std::chrono::seconds(10);
  /// The body must arrive within body_timeout plus one second per body_min_rate bytes
  /// received so far: a trickling client is cut off (closed), a slow but steady one is not.
  std::chrono::milliseconds body_timeout = std::chrono::seconds(10);
  std::size_t body_min_rate = 1024;  ///< bytes per second
  /// How long a keep-alive connection may wait for its next request. Above the 60 s idle
  /// timeout of common load balancers (AWS ALB), so that they, not we, close idle connections:
  /// otherwise a request sent on a connection we are closing fails with a 502.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(75);
  /// Writing one answer (plus one second per body_min_rate bytes of it), or one piece of a
  /// stream; on expiry the connection is closed (a stream is told it was too slow).
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);
  /// After refusing a request early (413, 431, 400...), the server sends its answer and reads
  /// and discards what the client still sends, for at most this long and linger_bytes, before
  /// closing: closing with unread input makes the kernel reset the connection, which can
  /// destroy the answer before the client read it.
  std::chrono::milliseconds linger_time = std::chrono::seconds(5);
  std::size_t linger_bytes = std::size_t{64} * 1024 * 1024;
  /// How long Stop waits for requests in flight before abandoning them.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);
  /// Where every answer is counted (by the route an instrumented Router set on the request);
  /// null: nowhere. Must outlive the server.
  RequestMetrics* request_metrics = nullptr;
};

/// What the server has done so far, for metrics. Counters only grow.
struct ServerStats {
  std::size_t connections = 0;             ///< open now (counted against the cap)
  std::size_t connections_idle = 0;        ///< of which waiting for a request
  std::size_t requests_queued = 0;         ///< waiting for a worker now
  std::size_t requests_running = 0;        ///< on a worker now
  std::size_t requests_on_loop = 0;        ///< in a fiber on an event loop now
  std::uint64_t connections_accepted = 0;  ///< admitted
  std::uint64_t connections_evicted = 0;   ///< idle ones closed to admit others
  std::uint64_t connections_refused = 0;   ///< at a cap, with 503 or 429
  std::uint64_t requests_shed = 0;         ///< answered 503 because the queue was full
  std::uint64_t requests_timed_out = 0;    ///< connections closed for slowness
  std::uint64_t requests_rejected = 0;     ///< refused before the handler (400, 413, 431, 503)
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

/// An HTTP/1.1 server with keep-alive. Connections live on event loops (io_threads), where they
/// are read and written asynchronously: an idle or slow connection holds memory, not a thread.
/// Each complete request is handed to a worker (the only hand-off), which runs `handler`;
/// handlers may block on the database. A request for which `runs_on_loop` holds runs instead in
/// a fiber on its connection's loop, with no hand-off: it waits for the database with the loop
/// free, and moves to a worker if it must block. The server answers by itself: 400 for a malformed
/// request or one that is not text, a close when a phase times out, 413 for a body over
/// max_body_bytes, 431 for an oversized head, 501 for an unknown method, 500 when the handler
/// throws, 503 when the worker queue or the body memory is full or no connection can be
/// evicted at the cap, 429 past the per-address cap. Every response carries Content-Length
/// (or is chunked, for streams) and "Server: nedlia".
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
  /// connections, ends streams, lets requests in flight finish and answers them with
  /// "Connection: close".
  void Stop();
  /// A snapshot of the counters; callable from any thread.
  ServerStats Stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nedlia::http
