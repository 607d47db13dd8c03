#include "support/s3_server.hpp"

#include <signal.h>

#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

std::filesystem::path Script() {
  return std::filesystem::path(SourceDir()) / "tools/s3/node_modules/s3rver/bin/s3rver.js";
}

}  // namespace

object_stores::S3Settings S3Server::SettingsFor(const std::string& endpoint,
                                                std::chrono::milliseconds timeout) {
  return {.endpoint = {.url = endpoint,
                       .credentials = {.access_key_id = kAccessKey,
                                       .secret_access_key = kAccessKey,
                                       .region = "us-east-1",
                                       .service = "s3"},
                       .timeout = timeout},
          .bucket = kBucket,
          .public_base = ""};
}

bool S3Server::Installed() {
  return std::filesystem::exists(Script());
}

S3Server::S3Server()
    : server_(
          "s3",
          [](int port, const std::string& dir) {
            return std::vector<std::string>{"node",
                                            Script().string(),
                                            "-d",
                                            dir,
                                            "-a",
                                            "127.0.0.1",
                                            "-p",
                                            std::to_string(port),
                                            "--configure-bucket",
                                            kBucket,
                                            "--silent"};
          },
          SIGTERM) {}

}  // namespace nedlia::testing
