#pragma once

#include <cstdint>
#include <string>

namespace nedlia::testing {

/// A raw HTTP client for a streamed answer (Server-Sent Events) on loopback: sends one request,
/// then reads as it arrives.
class StreamClient {
 public:
  StreamClient(std::uint16_t port, const std::string& request);
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;
  ~StreamClient();

  /// Everything received so far, once it contains `needle` (or after 10 s, or at the end).
  const std::string& ReadUntil(const std::string& needle);

 private:
  int fd_ = -1;
  std::string received_;
};

}  // namespace nedlia::testing
