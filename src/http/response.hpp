#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/header_fields.hpp"

namespace nedlia::http {

/// Why a streamed body ended.
enum class StreamEnd {
  kComplete,        ///< the source said so (Take returned false)
  kClientGone,      ///< the client closed the connection or the socket failed
  kTooSlow,         ///< the client did not take what was written within the write timeout
  kServerStopping,  ///< the server is shutting down
};

/// The body of a long-lived answer (Server-Sent Events), produced over time. The server drives
/// it from its event loop: Start once, then Take each time it is woken, until Take says the
/// body is complete or the server ends it, and finally Stop, exactly once, in every case (also
/// when the body is never started, as for HEAD). Take and Stop run on the event loop and must not
/// block: a source that needs the database does that on a thread of its own and wakes the
/// server when something is ready.
class BodySource {
 public:
  virtual ~BodySource() = default;
  /// Called once, first. `wake` may be called from any thread, any number of times, until Stop
  /// returns (never after): the server then calls Take soon.
  virtual void Start(std::function<void()> wake) = 0;
  /// Appends to `out` what is ready to send (possibly nothing); false when the body ends after
  /// it (the server sends it, ends the body and closes the connection).
  virtual bool Take(std::string& out) = 0;
  /// The body ends, for `why` (kComplete after Take returned false). Returns a last piece (a
  /// comment telling the client why) that the server sends if the client still takes it (not
  /// after kComplete, kClientGone or kTooSlow).
  virtual std::string Stop(StreamEnd why) = 0;
};

/// One HTTP response, independent of the server library that sends it. The server adds
/// Content-Length, Connection and Server itself.
struct Response {
  int status = 200;
  std::vector<HeaderField> headers;
  std::string body;
  /// When set, the body is streamed from it instead (chunked; `body` is ignored), and the
  /// connection closes when it ends. For long-lived answers such as Server-Sent Events.
  std::shared_ptr<BodySource> source;

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
