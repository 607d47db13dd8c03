// The parts of a connection beyond one request and its answer: streamed bodies (Server-Sent
// Events), the linger after an early refusal, and connections refused at a cap.
#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/write.hpp>

#include "http/request_text.hpp"
#include "http/session_io.hpp"

namespace nedlia::http {
namespace {

using Clock = std::chrono::steady_clock;

// A stream's last words (its source's farewell) get this long: a client that does not take
// them is not worth waiting for when the server is stopping.
constexpr auto kFarewellTime = std::chrono::seconds(1);
// A refused connection: its answer, then a short linger, at most this many at once (beyond, a
// plain close: refusing must stay cheaper than serving).
constexpr auto kRefusalTime = std::chrono::seconds(1);
constexpr std::size_t kRefusalLingerBytes = std::size_t{64} * 1024;
constexpr std::size_t kMaxRefusalsInProgress = 1024;

// Reads until the client closes (or the socket is cancelled or fails), discarding what it sends:
// a stream's client has nothing to say, but its leaving must end the stream at once.
asio::awaitable<void> WatchForClose(tcp::socket& socket, bool& watching,
                                    std::shared_ptr<StreamSignal> signal) {
  std::array<char, 512> scratch{};
  error_code ec;
  while (!ec) {
    co_await socket.async_read_some(asio::buffer(scratch), Redirect(ec));
  }
  watching = false;
  signal->Raise();
}

// One chunk of the chunked transfer coding.
asio::awaitable<error_code> WriteChunk(beast::tcp_stream& stream, std::string_view piece,
                                       std::chrono::milliseconds deadline) {
  char size[20];
  const int length = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  const std::array<asio::const_buffer, 3> buffers = {
      asio::buffer(size, static_cast<std::size_t>(length)), asio::buffer(piece),
      asio::buffer("\r\n", 2)};
  error_code ec;
  stream.expires_after(deadline);
  co_await asio::async_write(stream, buffers, Redirect(ec));
  co_return ec;
}

asio::awaitable<error_code> WriteLastChunk(beast::tcp_stream& stream,
                                           std::chrono::milliseconds deadline) {
  error_code ec;
  stream.expires_after(deadline);
  co_await asio::async_write(stream, asio::buffer("0\r\n\r\n", 5), Redirect(ec));
  co_return ec;
}

asio::awaitable<error_code> WriteStreamHead(beast::tcp_stream& stream, const Response& response,
                                            unsigned version, std::chrono::milliseconds deadline) {
  wire::response<wire::empty_body> head;
  head.version(version);
  head.result(static_cast<unsigned>(response.status));
  for (const HeaderField& field : response.headers)
    head.insert(field.name, field.value);
  head.set(wire::field::server, "nedlia");
  head.keep_alive(false);
  head.chunked(true);
  wire::response_serializer<wire::empty_body> serializer(head);
  error_code ec;
  stream.expires_after(deadline);
  co_await wire::async_write_header(stream, serializer, Redirect(ec));
  co_return ec;
}

// Why a failed write ended the stream.
StreamEnd EndAfterFailedWrite(const error_code& ec, const ConnectionRegistry& registry) {
  if (registry.Stopping())
    return StreamEnd::kServerStopping;
  return ec == beast::error::timeout ? StreamEnd::kTooSlow : StreamEnd::kClientGone;
}

// Takes from the source and writes until the body ends one way or another; says how.
asio::awaitable<StreamEnd> Pump(beast::tcp_stream& stream, const SessionContext& context,
                                BodySource& source, StreamSignal& signal, const bool& watching,
                                bool& framing_intact) {
  std::string out;
  for (;;) {
    if (context.registry->Stopping())
      co_return StreamEnd::kServerStopping;
    if (!watching)
      co_return StreamEnd::kClientGone;
    out.clear();
    const bool more = source.Take(out);
    if (!out.empty()) {
      const error_code ec = co_await WriteChunk(stream, out, context.options->write_timeout);
      if (ec) {
        framing_intact = false;  // part of the chunk may have gone out
        co_return EndAfterFailedWrite(ec, *context.registry);
      }
    }
    if (!more) {
      co_await WriteLastChunk(stream, context.options->write_timeout);
      framing_intact = false;
      co_return StreamEnd::kComplete;
    }
    co_await signal.Wait();
  }
}

}  // namespace

std::string RemoteAddress(const beast::tcp_stream& stream) {
  error_code ec;
  const tcp::endpoint peer = stream.socket().remote_endpoint(ec);
  if (ec) {
    return "unknown";
  }
  const std::string address = peer.address().to_string();
  const std::string host = peer.address().is_v6() ? "[" + address + "]" : address;
  return host + ":" + std::to_string(peer.port());
}

void LogRequest(std::string_view method, const Request& request, int status,
                Clock::time_point started) {
  if (!spdlog::should_log(spdlog::level::debug))
    return;
  const std::chrono::duration<double, std::milli> elapsed = Clock::now() - started;
  spdlog::debug("{} {} -> {} in {:.1f} ms from {}", EscapeForLog(method),
                EscapeForLog(request.target), status, elapsed.count(), request.remote_address);
}

asio::awaitable<void> Linger(beast::tcp_stream& stream, const ServerOptions& options) {
  error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, std::size_t{16} * 1024> scratch{};
  std::size_t discarded = 0;
  stream.expires_after(options.linger_time);  // one deadline for the whole linger
  while (!ec && discarded < options.linger_bytes) {
    discarded += co_await stream.async_read_some(asio::buffer(scratch), Redirect(ec));
  }
}

StreamSignal::StreamSignal(const Executor& executor) : timer_(executor, Clock::time_point::max()) {}

void StreamSignal::Raise() {
  raised_ = true;
  timer_.cancel();
}

asio::awaitable<void> StreamSignal::Wait() {
  if (!raised_) {
    error_code ignored;
    timer_.expires_at(Clock::time_point::max());
    co_await timer_.async_wait(Redirect(ignored));
  }
  raised_ = false;
}

asio::awaitable<void> StreamBody(beast::tcp_stream& stream, const SessionContext& context,
                                 Response& response, unsigned version,
                                 std::shared_ptr<StreamSignal> signal) {
  BodySource& source = *response.source;
  const error_code head_error =
      co_await WriteStreamHead(stream, response, version, context.options->write_timeout);
  if (head_error) {
    source.Stop(StreamEnd::kClientGone);
    co_return;
  }
  const Executor executor = co_await asio::this_coro::executor;
  source.Start([weak = std::weak_ptr<StreamSignal>(signal), executor] {
    asio::post(executor, [weak] {
      if (const auto alive = weak.lock())
        alive->Raise();
    });
  });
  bool watching = true;
  asio::co_spawn(executor, WatchForClose(stream.socket(), watching, signal), asio::detached);
  bool framing_intact = true;
  const StreamEnd end = co_await Pump(stream, context, source, *signal, watching, framing_intact);
  const std::string farewell = source.Stop(end);
  if (end == StreamEnd::kServerStopping && framing_intact) {
    const error_code farewell_error = co_await WriteChunk(stream, farewell, kFarewellTime);
    if (!farewell_error)
      co_await WriteLastChunk(stream, kFarewellTime);
  }
  // The watcher refers to this frame: it must be done before we return.
  error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().cancel(ignored);
  // The watcher coroutine clears `watching` while this one waits: not an infinite loop.
  while (watching)  // NOLINT(bugprone-infinite-loop)
    co_await signal->Wait();
}

asio::awaitable<void> RefuseConnection(SessionContext context, tcp::socket socket, int status) {
  ++context.counters->refused;
  if (context.counters->refusals_in_progress.fetch_add(1) >= kMaxRefusalsInProgress) {
    --context.counters->refusals_in_progress;
    co_return;  // the socket closes with this frame
  }
  Response problem =
      status == 429
          ? Response::Problem(429, "Too Many Requests", "too many connections from your address")
          : Response::Problem(503, "Service Unavailable", "too many connections");
  problem.SetHeader("Retry-After", "1");
  WireResponse message;
  message.result(static_cast<unsigned>(status));
  for (const HeaderField& field : problem.headers)
    message.insert(field.name, field.value);
  message.set(wire::field::server, "nedlia");
  message.keep_alive(false);
  message.body() = std::move(problem.body);
  message.prepare_payload();
  beast::tcp_stream stream(std::move(socket));
  error_code ec;
  stream.expires_after(kRefusalTime);
  co_await wire::async_write(stream, message, Redirect(ec));
  if (!ec) {
    ServerOptions linger;
    linger.linger_time = kRefusalTime;
    linger.linger_bytes = kRefusalLingerBytes;
    co_await Linger(stream, linger);
  }
  --context.counters->refusals_in_progress;
}

}  // namespace nedlia::http
