#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "object_stores/s3_object_store.hpp"
#include "support/loopback_server.hpp"

namespace nedlia::testing {

/// A real s3rver (tools/s3, pinned 3.7.1) on a free loopback port with a fresh data directory
/// and one bucket, for one test. It does not check signatures: SigV4 is tested separately.
class S3Server {
 public:
  static constexpr const char* kBucket = "nedlia-test";
  static constexpr const char* kAccessKey = "S3RVER";  ///< s3rver's built-in credentials

  S3Server();

  /// Whether s3rver is installed (scripts/install-deps runs npm ci in tools/s3); tests skip
  /// without it.
  static bool Installed();
  /// Settings of an S3ObjectStore on `endpoint` with s3rver's credentials and our bucket;
  /// `timeout` bounds each request.
  static object_stores::S3Settings SettingsFor(
      const std::string& endpoint, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// The same on this server.
  object_stores::S3Settings Settings(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
    return SettingsFor(Endpoint(), timeout);
  }

  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(server_.Port()); }
  /// Stops it (an outage) and starts it again on the same port and data.
  void Stop() { server_.Stop(); }
  void Start() { server_.Start(); }

 private:
  LoopbackServer server_;
};

}  // namespace nedlia::testing
