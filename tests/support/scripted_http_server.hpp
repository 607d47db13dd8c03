#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::http {
class Server;
}

namespace nedlia::testing {

/// A loopback HTTP server (our own http::Server on a free port) whose every answer the test
/// writes: a stand-in for an S3 endpoint that misbehaves (redirects, loses or alters what it
/// was given), which s3rver cannot be made to do. Loopback only: `host` must be in 127/8.
class ScriptedHttpServer {
 public:
  using Script = std::function<http::Response(const http::Request&)>;

  /// Answers each request with `script`, one request at a time (the script needs no lock).
  explicit ScriptedHttpServer(Script script, const std::string& host = "127.0.0.1");
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  /// http://HOST:PORT, no trailing slash.
  std::string Url() const;
  /// "METHOD target" of every request received so far, in order.
  std::vector<std::string> Received() const;

 private:
  std::string host_;
  Script script_;
  mutable std::mutex mutex_;
  std::vector<std::string> received_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace nedlia::testing
