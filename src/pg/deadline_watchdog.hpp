#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "pg/connection.hpp"

namespace nedlia::pg {

/// Ends the statement a connection is running once its deadline passes, so that a request
/// never holds the database, or its caller, longer than it may, whatever it waits for (a lock,
/// a slow plan, a server or a network gone silent). At the deadline it asks the server to
/// cancel the statement; if the statement is still running kAbandonAfter later (the cancel did
/// not arrive, or the server does not answer), it shuts the connection's socket down, and the
/// statement's caller gets ConnectionLost at once. One thread watches every connection, looking
/// at the deadlines every kTick; another sends the cancels, so that a cancel the network holds
/// up never delays the others.
class DeadlineWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kTick{50};
  static constexpr std::chrono::milliseconds kAbandonAfter{1000};

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
    enum class Stage { kRunning, kCancelled, kAbandoned };
    using Entries = std::multimap<Clock::time_point, Watch*>;

    DeadlineWatchdog* watchdog_;
    Connection* connection_ = nullptr;
    Stage stage_ = Stage::kRunning;
    Entries::iterator entry_;
  };

  DeadlineWatchdog();
  DeadlineWatchdog(const DeadlineWatchdog&) = delete;
  DeadlineWatchdog& operator=(const DeadlineWatchdog&) = delete;
  ~DeadlineWatchdog();

 private:
  /// The cancels to send, shared with the thread that sends them: that thread may outlive the
  /// watchdog while a cancel the network holds up keeps it.
  struct CancelQueue {
    std::mutex mutex;
    std::condition_variable waiting;
    std::deque<CancelRequest> requests;
    bool stopping = false;
  };

  void Run();
  /// The next step for a watch whose time came: cancel, or abandon. Under the lock.
  void Step(Watch& watch, Clock::time_point now);
  static void SendCancels(CancelQueue& queue);

  std::mutex mutex_;
  std::condition_variable stop_;
  Watch::Entries entries_;
  bool stopping_ = false;
  std::shared_ptr<CancelQueue> cancels_ = std::make_shared<CancelQueue>();
  std::thread thread_;  // last two: started once the members above exist
  std::thread canceller_;
};

}  // namespace nedlia::pg
