#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace nedlia::events {

/// The channel on which consumers LISTEN for new events.
inline constexpr const char* kEventsChannel = "nedlia_events";

/// Tells consumers, in any process, that events were committed: a NOTIFY on kEventsChannel,
/// sent by a thread of its own as soon as a commit raises it, then at most once per `coalesce`
/// period however many transactions raised it meanwhile. NOTIFY is sent outside the writing
/// transactions on purpose: inside one it would take PostgreSQL's global notify lock at every
/// commit and serialise them. It is only a wake-up hint: consumers also poll, so a lost NOTIFY
/// delays an event, never loses it.
class CommitSignal {
 public:
  explicit CommitSignal(std::string database_url,
                        std::chrono::milliseconds coalesce = std::chrono::milliseconds(10));
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
  std::atomic<bool> raised_{false};
  std::jthread thread_;
};

}  // namespace nedlia::events
