#pragma once
// Internal to session.cpp and stream_session.cpp: what both sides of a connection need. Beast
// may appear here, as only those two files include it.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>  // before any Boost.Asio header: 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/session.hpp"

// GCC 12 miscompiles a co_await whose operand builds a temporary inside a condition or a
// co_return (`if (co_await Write(ToWire(...)))`: the coroutine resumed into an invalid state
// and died with SIGILL). In these files, name the argument and the result first:
//   WireResponse message = ToWire(...);
//   const bool written = co_await Write(std::move(message));

namespace nedlia::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace wire = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;
using Executor = asio::any_io_executor;
using WireResponse = wire::response<wire::string_body>;

inline auto Redirect(error_code& ec) {
  return asio::redirect_error(asio::use_awaitable, ec);
}

inline std::string_view View(beast::string_view text) {
  return {text.data(), text.size()};
}

/// "ip:port" of the peer, or "unknown".
std::string RemoteAddress(const beast::tcp_stream& stream);

/// The request's line in the debug log, escaped.
void LogRequest(std::string_view method, const Request& request, int status,
                std::chrono::steady_clock::time_point started);

/// After an answer that closes the connection early: stop sending, then read and discard what
/// the client still sends, within options.linger_time and options.linger_bytes.
asio::awaitable<void> Linger(beast::tcp_stream& stream, const ServerOptions& options);

/// Tells a streaming connection's loop, on its executor, that something happened: the body
/// source has more, the client left, or the server is stopping.
class StreamSignal {
 public:
  explicit StreamSignal(const Executor& executor);
  void Raise();
  /// Returns once raised (at once if it was raised meanwhile), and lowers it.
  asio::awaitable<void> Wait();

 private:
  asio::steady_timer timer_;
  bool raised_ = false;
};

/// Sends `response`, whose body comes from its BodySource, chunked, until the source ends it,
/// the client leaves or is too slow, or the server stops (the registry says so and `signal` is
/// raised). Always ends with the source's Stop.
asio::awaitable<void> StreamBody(beast::tcp_stream& stream, const SessionContext& context,
                                 Response& response, unsigned version,
                                 std::shared_ptr<StreamSignal> signal);

}  // namespace nedlia::http
