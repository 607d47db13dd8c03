// One HTTP/1.1 connection as a coroutine on the connection's own thread: read a request, run
// the handler right there (it may block), write the response, repeat while keep-alive
// allows. Beast appears only here (and in asio_impl.cpp, which compiles it).
#include "http/session.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace nedlia::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace wire = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using WireRequest = wire::request<wire::string_body>;
using WireResponse = wire::response<wire::string_body>;
using RequestParser = wire::request_parser<wire::string_body>;

constexpr std::size_t kReadChunk = std::size_t{8} * 1024;
// After rejecting a request whose body we did not read, we read and discard what the client
// still sends, for at most this long and this much: closing a socket with unread input makes
// the kernel send RST, which can destroy our error response before the client has read it.
constexpr auto kDrainTime = std::chrono::seconds(2);
constexpr std::size_t kDrainLimit = std::size_t{4} * 1024 * 1024;

enum class Next { kKeepAlive, kClose, kDrainThenClose };

auto Redirect(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

std::string_view View(beast::string_view text) {
  return {text.data(), text.size()};
}

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

Request ToRequest(WireRequest& message, Method method, const std::string& remote) {
  Request request;
  request.method = method;
  request.SetTarget(View(message.target()));
  for (const auto& field : message) {
    request.headers.push_back(
        {std::string(View(field.name_string())), std::string(View(field.value()))});
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

// RFC 9110: 1xx and 204 responses carry neither a body nor Content-Length; 304 has no body.
bool HasNoContent(int status) {
  return status < 200 || status == 204 || status == 304;
}

WireResponse ToWire(Response response, unsigned version, bool keep_alive, bool head) {
  WireResponse message;
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  for (const HeaderField& field : response.headers) {
    message.insert(field.name, field.value);
  }
  message.set(wire::field::server, "nedlia");
  message.keep_alive(keep_alive);
  if (HasNoContent(response.status)) {
    return message;
  }
  // A HEAD response announces the length of the body a GET would have, and sends none.
  message.content_length(response.body.size());
  if (!head) {
    message.body() = std::move(response.body);
  }
  return message;
}

// The answer to a request we could not read, or nullopt when there is nobody to answer (the
// peer closed or timed out, or the socket failed).
std::optional<Response> ProblemFor(const error_code& ec, std::size_t max_body_bytes) {
  if (ec == wire::error::body_limit) {
    return Response::Problem(
        413, "Content Too Large",
        "the request body exceeds the limit of " + std::to_string(max_body_bytes) + " bytes");
  }
  if (ec == wire::error::header_limit) {
    return Response::Problem(431, "Request Header Fields Too Large",
                             "the request line and header fields are too large");
  }
  if (ec == wire::error::end_of_stream || ec == wire::error::partial_message) {
    return std::nullopt;
  }
  if (ec.category() == wire::make_error_code(wire::error::bad_method).category()) {
    return Response::Problem(400, "Bad Request", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;
}

bool ExpectsContinue(const WireRequest& message) {
  return message.version() >= 11 && beast::iequals(message[wire::field::expect], "100-continue");
}

Response InvokeSafely(const Handler& handler, Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& error) {
    spdlog::error("{} {} failed: {}", MethodName(request.method), request.path, error.what());
  } catch (...) {
    spdlog::error("{} {} failed with an unknown exception", MethodName(request.method),
                  request.path);
  }
  // The client learns nothing about the failure: the log has it.
  return Response::Problem(500, "Internal Server Error", "internal error");
}

void LogRequest(std::string_view method, const Request& request, int status,
                Clock::time_point started) {
  const std::chrono::duration<double, std::milli> elapsed = Clock::now() - started;
  spdlog::debug("{} {} -> {} in {:.1f} ms from {}", method, request.target, status, elapsed.count(),
                request.remote_address);
}

class Session {
 public:
  Session(SessionContext context, tcp::socket socket);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;
  ~Session() { context_.tracker->Remove(id_); }

  asio::awaitable<void> Serve();

 private:
  asio::awaitable<Next> ServeOne();
  asio::awaitable<bool> AwaitRequest();
  asio::awaitable<error_code> ReadBody(RequestParser& parser);
  asio::awaitable<Next> Reject(const error_code& ec);
  asio::awaitable<Next> Respond(WireRequest message);
  asio::awaitable<bool> Write(WireResponse message);
  /// Sends the header of `response`, drives its source with a chunked writer, ends the body.
  void Stream(Response response, unsigned version);
  asio::awaitable<void> DrainBeforeClose();
  /// True once the server stopped this connection's io_context (shutdown grace over).
  bool Abandoned() {
    return static_cast<asio::io_context&>(stream_.get_executor().context()).stopped();
  }

  SessionContext context_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  std::uint64_t id_ = 0;
  bool first_request_ = true;
};

Session::Session(SessionContext context, tcp::socket socket)
    : context_(context), stream_(std::move(socket)), remote_(RemoteAddress(stream_)) {
  id_ = context_.tracker->Add(
      [this, executor = stream_.get_executor(), tracker = context_.tracker](std::uint64_t id) {
        asio::post(executor, [this, tracker, id] {
          // On this connection's thread, where the session is also destroyed: still registered
          // means still alive, and still idle means no request has started meanwhile.
          if (tracker->IsIdle(id)) {
            stream_.cancel();
          }
        });
      });
}

asio::awaitable<void> Session::Serve() {
  try {
    Next next = Next::kKeepAlive;
    while (next == Next::kKeepAlive) {
      next = co_await ServeOne();
    }
    if (next == Next::kDrainThenClose) {
      co_await DrainBeforeClose();
    }
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  } catch (const std::exception& error) {
    spdlog::warn("connection from {} failed: {}", remote_, error.what());
  }
}

asio::awaitable<Next> Session::ServeOne() {
  if (!co_await AwaitRequest()) {
    co_return Next::kClose;
  }
  RequestParser parser;
  parser.body_limit(context_.options->max_body_bytes);
  error_code ec;
  stream_.expires_after(context_.options->read_timeout);
  co_await wire::async_read_header(stream_, buffer_, parser, Redirect(ec));
  if (!ec) {
    ec = co_await ReadBody(parser);
  }
  if (ec) {
    co_return co_await Reject(ec);
  }
  co_return co_await Respond(parser.release());
}

// Waits for the first byte of the next request, with the idle timeout between requests.
// Returns false when the connection should close instead.
asio::awaitable<bool> Session::AwaitRequest() {
  if (!context_.tracker->MarkIdle(id_)) {
    co_return false;
  }
  if (buffer_.size() == 0) {
    error_code ec;
    stream_.expires_after(first_request_ ? context_.options->read_timeout
                                         : context_.options->idle_timeout);
    const std::size_t received =
        co_await stream_.async_read_some(buffer_.prepare(kReadChunk), Redirect(ec));
    buffer_.commit(received);
    if (ec) {
      co_return false;
    }
  }
  first_request_ = false;
  context_.tracker->MarkBusy(id_);
  co_return true;
}

asio::awaitable<error_code> Session::ReadBody(RequestParser& parser) {
  error_code ec;
  if (ExpectsContinue(parser.get())) {
    wire::response<wire::empty_body> proceed{wire::status::continue_, parser.get().version()};
    stream_.expires_after(context_.options->read_timeout);
    co_await wire::async_write(stream_, proceed, Redirect(ec));
    if (ec) {
      co_return ec;
    }
  }
  stream_.expires_after(context_.options->read_timeout);
  co_await wire::async_read(stream_, buffer_, parser, Redirect(ec));
  co_return ec;
}

asio::awaitable<Next> Session::Reject(const error_code& ec) {
  std::optional<Response> problem = ProblemFor(ec, context_.options->max_body_bytes);
  if (!problem) {
    co_return Next::kClose;
  }
  spdlog::debug("rejected a request from {}: {}", remote_, ec.message());
  co_await Write(ToWire(std::move(*problem), 11, false, false));
  co_return Next::kDrainThenClose;
}

asio::awaitable<Next> Session::Respond(WireRequest message) {
  const Clock::time_point started = Clock::now();
  const std::optional<Method> method = ParseMethod(View(message.method_string()));
  Request request = ToRequest(message, method.value_or(Method::kGet), remote_);
  Response response;
  if (method) {
    response = InvokeSafely(*context_.handler, request);
    if (Abandoned()) {
      co_return Next::kClose;  // the server gave up on this request while it ran
    }
  } else {
    response = Response::Problem(501, "Not Implemented", "this server does not support the method");
  }
  // Once stopping, every answer closes its connection so that shutdown can complete.
  const bool keep_alive = message.keep_alive() && !context_.tracker->Stopping();
  LogRequest(View(message.method_string()), request, response.status, started);
  if (response.source && method != Method::kHead) {
    Stream(std::move(response), message.version());
    co_return Next::kClose;
  }
  const bool head = method == Method::kHead;
  const bool written =
      co_await Write(ToWire(std::move(response), message.version(), keep_alive, head));
  if (!written || !keep_alive) {
    co_return Next::kClose;
  }
  co_return Next::kKeepAlive;
}

asio::awaitable<bool> Session::Write(WireResponse message) {
  error_code ec;
  stream_.expires_after(context_.options->read_timeout);
  co_await wire::async_write(stream_, message, Redirect(ec));
  co_return !ec;
}

/// Chunked transfer coding written synchronously: the source is driven on this connection's
/// own thread, which has nothing else to do meanwhile.
class ChunkWriter {
 public:
  ChunkWriter(tcp::socket& socket, const ConnectionTracker& tracker)
      : socket_(socket), tracker_(tracker) {}

  bool Write(std::string_view piece) {
    if (failed_ || tracker_.Stopping())
      return false;
    if (piece.empty())
      return true;  // an empty chunk would end the body
    char size[20];
    const int length = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    const std::array<asio::const_buffer, 3> buffers = {
        asio::buffer(size, static_cast<std::size_t>(length)), asio::buffer(piece),
        asio::buffer("\r\n", 2)};
    error_code ec;
    asio::write(socket_, buffers, ec);
    failed_ = static_cast<bool>(ec);
    return !failed_;
  }

  void End() {
    error_code ec;
    if (!failed_)
      asio::write(socket_, asio::buffer("0\r\n\r\n", 5), ec);
  }

 private:
  tcp::socket& socket_;
  const ConnectionTracker& tracker_;
  bool failed_ = false;
};

// Runs a BodySource on this connection's thread, blocking between wake-ups.
void DriveSource(BodySource& source, ChunkWriter& writer, const ConnectionTracker& tracker) {
  struct Signal {
    std::mutex mutex;
    std::condition_variable woken;
    bool pending = false;
  };
  auto signal = std::make_shared<Signal>();
  source.Start([signal] {
    const std::lock_guard lock(signal->mutex);
    signal->pending = true;
    signal->woken.notify_one();
  });
  for (;;) {
    std::string out;
    const bool more = source.Take(out);
    if (!writer.Write(out)) {
      writer.Write(source.Stop(tracker.Stopping() ? StreamEnd::kServerStopping
                                                  : StreamEnd::kClientGone));
      return;
    }
    if (!more)
      return;
    std::unique_lock lock(signal->mutex);
    signal->woken.wait_for(lock, std::chrono::milliseconds(200), [&] { return signal->pending; });
    signal->pending = false;
  }
}

void Session::Stream(Response response, unsigned version) {
  wire::response<wire::empty_body> header;
  header.version(version);
  header.result(static_cast<unsigned>(response.status));
  for (const HeaderField& field : response.headers)
    header.insert(field.name, field.value);
  header.set(wire::field::server, "nedlia");
  header.keep_alive(false);
  header.chunked(true);
  wire::response_serializer<wire::empty_body> serializer(header);
  error_code ec;
  stream_.expires_never();  // the producer decides how long the answer lasts
  wire::write_header(stream_.socket(), serializer, ec);
  if (ec)
    return;
  ChunkWriter writer(stream_.socket(), *context_.tracker);
  DriveSource(*response.source, writer, *context_.tracker);
  writer.End();
}

asio::awaitable<void> Session::DrainBeforeClose() {
  error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::array<char, std::size_t{16} * 1024> scratch{};
  std::size_t discarded = 0;
  stream_.expires_after(kDrainTime);  // one deadline for the whole drain
  while (!ec && discarded < kDrainLimit) {
    discarded += co_await stream_.async_read_some(asio::buffer(scratch), Redirect(ec));
  }
}

}  // namespace

asio::awaitable<void> ServeConnection(SessionContext context, tcp::socket socket) {
  Session session(context, std::move(socket));
  co_await session.Serve();
}

}  // namespace nedlia::http
