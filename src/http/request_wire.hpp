#pragma once
// Internal to src/http (session.cpp and request_reader.cpp): Beast's request parser as the
// server configures it. Beast may appear here, as only those files include it.

#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/server.hpp"

namespace nedlia::http {

using WireRequest = boost::beast::http::request<boost::beast::http::string_body>;
using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

/// Puts the server's limits on a parser: `max_header_bytes` for the head, `max_body_bytes` for
/// the body, and at most 256 bytes of extensions per chunk. (The connection's read buffer, of
/// `max_header_bytes`, bounds a chunk-size line and the trailer fields.)
void LimitParser(RequestParser& parser, const ServerOptions& options);

/// The parsed message as our Request (the body moved out of it).
Request ToRequest(WireRequest& message, Method method, const std::string& remote);

/// The answer to a request that could not be read, or nullopt when there is nobody to answer
/// (the peer closed or timed out, or the socket failed). `head_done`: the parser had read the
/// whole head.
std::optional<Response> ProblemFor(const boost::system::error_code& ec,
                                   const ServerOptions& options, bool head_done);

}  // namespace nedlia::http
