#pragma once

#include <chrono>
#include <stop_token>
#include <string>
#include <thread>

#include "consumers/wakeup.hpp"
#include "streams/fanout.hpp"
#include "streams/log_reader.hpp"

namespace nedlia::streams {

/// The process's one reader of new events: on a thread and connections of its own, it reads
/// the final events of the whole log (every advertiser, every type) in pages after its cursor,
/// renders each once and publishes it to the fanout. It wakes on the commit notification
/// (LISTEN), waits `coalesce` so that one read serves a burst of commits, and polls as a
/// fallback. While no stream is open it stops listening and queries nothing; when one opens it
/// starts again from the last numbered transaction (subscribers catch up on their own).
class TailReader {
 public:
  struct Options {
    std::string database_url;
    std::chrono::milliseconds poll{1000};
    std::chrono::milliseconds coalesce{15};
    int page_events = 500;
    std::chrono::milliseconds statement_timeout{15000};
  };

  TailReader(Options options, Fanout& fanout, EventRenderer render, HubMetrics& metrics);
  TailReader(const TailReader&) = delete;
  TailReader& operator=(const TailReader&) = delete;
  TailReader(TailReader&&) = delete;
  TailReader& operator=(TailReader&&) = delete;
  /// Stops at once: a wait is interrupted and a query in progress cancelled.
  ~TailReader();

 private:
  void Loop(const std::stop_token& stop);
  void Resync();
  void ReadToHorizon(const std::stop_token& stop);
  void AwaitCommit(const std::stop_token& stop);

  const Options options_;
  Fanout& fanout_;
  const EventRenderer render_;
  HubMetrics& metrics_;
  consumers::Wakeup wakeup_;
  LogReader reader_;
  app::LogPosition cursor_;
  std::jthread thread_;  ///< last: started once everything it uses exists
};

}  // namespace nedlia::streams
