#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/header_fields.hpp"

namespace nedlia::http {

/// Writes the pieces of a streamed body as they are produced.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  /// Sends `piece` now; false once the client is gone or the server is stopping (then the
  /// producer should return).
  virtual bool Write(std::string_view piece) = 0;
};

/// One HTTP response, independent of the server library that sends it. The server adds
/// Content-Length, Connection and Server itself.
struct Response {
  int status = 200;
  std::vector<HeaderField> headers;
  std::string body;
  /// When set, the body is streamed instead (chunked; `body` is ignored): the server sends the
  /// header, then runs this on the connection's thread until it returns, and closes the
  /// connection. For long-lived answers such as Server-Sent Events.
  std::function<void(StreamWriter&)> stream;

  /// `body` serialized as application/json.
  static Response Json(int status, const nlohmann::json& body);
  /// An RFC 9457 application/problem+json body {"type": "about:blank", "title", "status",
  /// "detail"}. `detail` is shown to the client: never put internal error text in it.
  static Response Problem(int status, std::string_view title, std::string_view detail);
  /// The same with a problem type URI and extension members (for example "instance" or
  /// "errors"); `extra` must be an object and cannot replace the standard members.
  static Response Problem(int status, std::string_view title, std::string_view detail,
                          std::string_view type, const nlohmann::json& extra);
  /// `body` as text/plain; charset=utf-8.
  static Response Text(int status, std::string body);

  /// Replaces every field named `name` (case-insensitive) by one with `value`.
  void SetHeader(std::string_view name, std::string_view value);
  /// The first header field `name` (case-insensitive).
  std::optional<std::string_view> Header(std::string_view name) const;
};

}  // namespace nedlia::http
