#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_server.hpp"

namespace nedlia::testing {

/// A real `nats-server -js` on loopback, with its own port and store directory, for one test.
class NatsServer {
 public:
  NatsServer();

  std::string Url() const { return "nats://127.0.0.1:" + std::to_string(server_.Port()); }
  /// Stops it (SIGINT, as nats-server exits cleanly on it) and starts it again on the same
  /// port and store.
  void Stop() { server_.Stop(); }
  void Start() { server_.Start(); }

 private:
  LoopbackServer server_;
};

/// A message of a JetStream stream, as stored.
struct StreamMessage {
  std::string subject;
  std::string message_id;  ///< the Nats-Msg-Id header
  std::string content_type;
  std::string data;
};

/// Every message of the stream, in order (empty if the stream does not exist).
std::vector<StreamMessage> ReadStream(const std::string& url, const std::string& stream);

/// The stream's max age (how long it keeps a message; zero: forever); throws when it does not
/// exist.
std::chrono::nanoseconds StreamMaxAge(const std::string& url, const std::string& stream);

}  // namespace nedlia::testing
