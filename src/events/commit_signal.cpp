#include "events/commit_signal.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "pg/connection.hpp"
#include "process/pause.hpp"

namespace nedlia::events {

CommitSignal::CommitSignal(std::string database_url, std::chrono::milliseconds coalesce,
                           const char* channel)
    : url_(std::move(database_url)),
      coalesce_(coalesce),
      channel_(channel),
      thread_([this](std::stop_token stop) { Loop(stop); }) {}

CommitSignal::~CommitSignal() {
  thread_.request_stop();
  raised_.store(true);
  raised_.notify_one();
  thread_.join();
}

void CommitSignal::Raise() noexcept {
  if (!raised_.exchange(true, std::memory_order_relaxed))
    raised_.notify_one();
}

void CommitSignal::Loop(std::stop_token stop) {
  std::optional<pg::Connection> connection;
  while (true) {
    raised_.wait(false);  // until a commit raises it, or the destructor
    if (stop.stop_requested())
      return;
    raised_.store(false, std::memory_order_relaxed);
    try {
      if (!connection || !connection->IsOpen()) {
        connection.emplace(
            pg::Connection::Open(url_, std::chrono::seconds(5), pg::TargetSession::kReadWrite));
      }
      connection->ExecuteScript(std::string("NOTIFY ") + channel_);
    } catch (const std::exception& error) {
      // Consumers poll as well: the events wait a little longer, nothing is lost.
      spdlog::debug("could not notify consumers of new events: {}", error.what());
      connection.reset();
    }
    // Commits raising it meanwhile share the next NOTIFY: at most one per period (cut short
    // when the signal stops).
    process::PauseFor(stop, coalesce_);
  }
}

}  // namespace nedlia::events
