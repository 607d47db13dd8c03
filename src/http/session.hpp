#pragma once
// Internal to src/http (included by server.cpp and session.cpp only): Asio types may appear
// here, Beast may not.

#include <utility>  // before any Boost.Asio header: 1.74's awaitable.hpp needs std::exchange

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/connection_tracker.hpp"
#include "http/handler.hpp"
#include "http/server.hpp"

namespace nedlia::http {

/// What every connection shares with the server that accepted it (which outlives them all).
struct SessionContext {
  const ServerOptions* options;
  const Handler* handler;
  ConnectionTracker* tracker;
};

/// Serves HTTP/1.1 requests on `socket` until the peer closes, a timeout, a protocol error or
/// shutdown, running the handler inline. Spawn it on the socket's executor, whose io_context
/// runs on the connection's own thread.
boost::asio::awaitable<void> ServeConnection(SessionContext context,
                                             boost::asio::ip::tcp::socket socket);

}  // namespace nedlia::http
