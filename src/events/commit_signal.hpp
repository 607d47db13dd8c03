#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace nedlia::events {

/// The channel notified when transactions that wrote events committed: the numbering of commit
/// order listens where readers number (no logical decoding).
inline constexpr const char* kEventsChannel = "nedlia_events";
/// The channel notified when transactions were numbered in commit order: readers (consumers,
/// the event stream tail) LISTEN on it, since what is not numbered yet is not theirs to read.
inline constexpr const char* kNumberedChannel = "nedlia_events_numbered";

/// Tells consumers, in any process, that events were committed: a NOTIFY on kEventsChannel,
/// sent by a thread of its own as soon as a commit raises it, then at most once per `coalesce`
/// period however many transactions raised it meanwhile. NOTIFY is sent outside the writing
/// transactions on purpose: inside one it would take PostgreSQL's global notify lock at every
/// commit and serialise them. It is only a wake-up hint: consumers also poll, so a lost NOTIFY
/// delays an event, never loses it.
class CommitSignal {
 public:
  explicit CommitSignal(std::string database_url,
                        std::chrono::milliseconds coalesce = std::chrono::milliseconds(10),
                        const char* channel = kEventsChannel);
  CommitSignal(const CommitSignal&) = delete;
  CommitSignal& operator=(const CommitSignal&) = delete;
  ~CommitSignal();

  /// After a commit that wrote events; cheap (an atomic exchange, and a wake-up of the
  /// signal's thread when it was not raised yet), never blocks.
  void Raise() noexcept;

 private:
  void Loop(std::stop_token stop);

  std::string url_;
  std::chrono::milliseconds coalesce_;
  const char* channel_;
  std::atomic<bool> raised_{false};
  std::jthread thread_;
};

}  // namespace nedlia::events
