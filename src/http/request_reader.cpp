// The server's bytes-to-request step, shared by the connections (session.cpp) and
// ReadRequest, which runs it over bytes in memory with Beast's synchronous read algorithms:
// the same parser, buffer and limits as the asynchronous ones the connections use.
#include "http/request_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>  // before any Boost.Asio header: 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "http/request_text.hpp"
#include "http/request_wire.hpp"

namespace nedlia::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace wire = boost::beast::http;
using boost::system::error_code;

// A chunk extension is never needed by this API; a long one is an attack on the parser.
constexpr std::size_t kMaxChunkExtension = 256;

// The parser keeps a reference to its chunk callback: one object for the whole process, which
// holds no state, outlives every parser.
auto limit_extensions = [](std::uint64_t, beast::string_view extensions, error_code& ec) {
  if (extensions.size() > kMaxChunkExtension)
    ec = wire::error::bad_chunk_extension;
};

std::string_view View(beast::string_view text) {
  return {text.data(), text.size()};
}

/// A SyncReadStream over bytes in memory: reads return what is left, then end of file.
class MemoryStream {
 public:
  using executor_type = asio::any_io_executor;

  explicit MemoryStream(std::string_view bytes) : rest_(bytes) {}
  std::size_t Left() const { return rest_.size(); }

  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers, error_code& ec) {
    ec = {};
    if (rest_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    const std::size_t copied = asio::buffer_copy(buffers, asio::buffer(rest_.data(), rest_.size()));
    rest_.remove_prefix(copied);
    return copied;
  }
  template <class MutableBuffers>
  std::size_t read_some(const MutableBuffers& buffers) {
    error_code ec;
    const std::size_t copied = read_some(buffers, ec);
    if (ec)
      throw boost::system::system_error(ec);
    return copied;
  }

 private:
  std::string_view rest_;
};

// The head, then the body, as Session::ReadHead and Session::ReadBody read them.
error_code ReadMessage(MemoryStream& stream, beast::flat_buffer& buffer, RequestParser& parser) {
  error_code ec;
  wire::read_header(stream, buffer, parser, ec);
  while (!ec && !parser.is_done())
    wire::read_some(stream, buffer, parser, ec);
  return ec;
}

}  // namespace

void LimitParser(RequestParser& parser, const ServerOptions& options) {
  parser.header_limit(
      static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  parser.body_limit(options.max_body_bytes);
  parser.on_chunk_header(limit_extensions);
}

Request ToRequest(WireRequest& message, Method method, const std::string& remote) {
  Request request;
  request.method = method;
  request.SetTarget(View(message.target()));
  request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    request.headers.push_back(
        {std::string(View(field.name_string())), std::string(View(field.value()))});
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

std::optional<Response> ProblemFor(const error_code& ec, const ServerOptions& options,
                                   bool head_done) {
  if (ec == wire::error::body_limit) {
    return Response::Problem(413, "Content Too Large",
                             "the request body exceeds the limit of " +
                                 std::to_string(options.max_body_bytes) + " bytes");
  }
  if (ec == wire::error::header_limit || (ec == wire::error::buffer_overflow && !head_done)) {
    return Response::Problem(431, "Request Header Fields Too Large",
                             "the request line and header fields exceed " +
                                 std::to_string(options.max_header_bytes) + " bytes");
  }
  if (ec == wire::error::buffer_overflow || ec == wire::error::bad_chunk_extension) {
    return Response::Problem(400, "Bad Request",
                             "a chunk-size line, its extensions or the trailer fields are too "
                             "long or malformed");
  }
  if (ec == wire::error::end_of_stream || ec == wire::error::partial_message) {
    return std::nullopt;
  }
  if (ec.category() == wire::make_error_code(wire::error::bad_method).category()) {
    return Response::Problem(400, "Bad Request", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;
}

RequestReading ReadRequest(std::string_view bytes, const ServerOptions& options) {
  MemoryStream stream(bytes);
  beast::flat_buffer buffer(options.max_header_bytes);
  RequestParser parser;
  LimitParser(parser, options);
  const error_code ec = ReadMessage(stream, buffer, parser);
  RequestReading reading;
  reading.consumed = bytes.size() - stream.Left() - buffer.size();
  if (ec) {
    reading.refusal = ProblemFor(ec, options, parser.is_header_done());
    reading.outcome =
        reading.refusal ? RequestReading::Outcome::kRefused : RequestReading::Outcome::kClosed;
    return reading;
  }
  WireRequest message = parser.release();
  const std::optional<Method> method = ParseMethod(View(message.method_string()));
  reading.request = ToRequest(message, method.value_or(Method::kGet), "");
  if (!method) {
    reading.refusal =
        Response::Problem(501, "Not Implemented", "this server does not support the method");
  } else {
    reading.refusal = CheckRequestText(reading.request);
  }
  reading.outcome =
      reading.refusal ? RequestReading::Outcome::kRefused : RequestReading::Outcome::kRequest;
  return reading;
}

}  // namespace nedlia::http
