#pragma once

#include <atomic>
#include <string>
#include <thread>

namespace nedlia::testing {

/// The event type the load below writes and its consumer reads.
inline constexpr const char* kLoadEventType = "com.nedlia.test.happened.v1";

/// Writes one event per transaction into `url`'s log until stopped, retrying while the server
/// is away; counts the commits it saw succeed.
class EventWriter {
 public:
  explicit EventWriter(std::string url);

  int Written() const { return written_; }
  void Stop();

 private:
  std::atomic<int> written_ = 0;
  std::jthread thread_;  ///< last: started once everything it uses exists
};

/// A consumer of kLoadEventType run as in a worker process: it records each event's id in the
/// table `effects (event_id uuid PRIMARY KEY)` and counts its handler's calls (rolled back or
/// not) in `handled`.
std::jthread RunRecordingConsumer(const std::string& url, std::atomic<int>& handled);

}  // namespace nedlia::testing
