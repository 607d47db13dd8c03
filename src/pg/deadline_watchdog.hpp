#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "pg/connection.hpp"

namespace nedlia::pg {

/// Cancels the statement a connection is running once its deadline passes, so that a request
/// never holds the database longer than it may, whatever it waits for (a lock, a slow plan).
/// One thread serves every connection; it looks at the deadlines every kTick, so a statement
/// is cancelled at most kTick after its deadline.
class DeadlineWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kTick{50};

  /// Watches `connection` for as long as it lives (the connection must outlive it); with no
  /// watchdog or no deadline it does nothing. A deadline in the past cancels at once.
  class Watch {
   public:
    Watch(DeadlineWatchdog* watchdog, Connection& connection, Clock::time_point deadline);
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    Watch(Watch&&) = delete;
    Watch& operator=(Watch&&) = delete;
    ~Watch();

   private:
    friend class DeadlineWatchdog;
    using Entries = std::multimap<Clock::time_point, Connection*>;

    DeadlineWatchdog* watchdog_;
    Entries::iterator entry_;
  };

  DeadlineWatchdog();
  DeadlineWatchdog(const DeadlineWatchdog&) = delete;
  DeadlineWatchdog& operator=(const DeadlineWatchdog&) = delete;
  ~DeadlineWatchdog();

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable stop_;
  Watch::Entries entries_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members above exist
};

}  // namespace nedlia::pg
