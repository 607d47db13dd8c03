#include "events/commit_signal.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "pg/connection.hpp"

namespace nedlia::events {

CommitSignal::CommitSignal(std::string database_url, std::chrono::milliseconds coalesce)
    : url_(std::move(database_url)),
      coalesce_(coalesce),
      thread_([this](std::stop_token stop) { Loop(stop); }) {}

CommitSignal::~CommitSignal() {
  thread_.request_stop();
  thread_.join();
}

void CommitSignal::Loop(std::stop_token stop) {
  std::optional<pg::Connection> connection;
  while (!stop.stop_requested()) {
    std::this_thread::sleep_for(coalesce_);
    if (!raised_.exchange(false, std::memory_order_relaxed))
      continue;
    try {
      if (!connection || !connection->IsOpen())
        connection.emplace(pg::Connection::Open(url_, std::chrono::seconds(5)));
      connection->ExecuteScript(std::string("NOTIFY ") + kEventsChannel);
    } catch (const std::exception& error) {
      // Consumers poll as well: the events wait a little longer, nothing is lost.
      spdlog::debug("could not notify consumers of new events: {}", error.what());
      connection.reset();
    }
  }
}

}  // namespace nedlia::events
