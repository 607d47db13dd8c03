#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "process/subprocess.hpp"

namespace nedlia::testing {

/// A real s3rver (tools/s3, pinned 3.7.1) on a free loopback port with a fresh data directory
/// and one bucket, for one test. It does not check signatures: SigV4 is tested separately.
class S3Server {
 public:
  static constexpr const char* kBucket = "nedlia-test";
  static constexpr const char* kAccessKey = "S3RVER";  ///< s3rver's built-in credentials

  S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;
  ~S3Server();

  /// Whether s3rver is installed (scripts/install-deps runs npm ci in tools/s3); tests skip
  /// without it.
  static bool Installed();
  std::string Endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// Stops it (an outage) and starts it again on the same port and data.
  void Stop();
  void Start();

 private:
  int port_ = 0;
  std::filesystem::path data_;
  std::optional<process::Subprocess> server_;
};

}  // namespace nedlia::testing
