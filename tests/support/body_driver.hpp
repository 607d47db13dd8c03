#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "http/response.hpp"

namespace nedlia::testing {

/// Drives an http::BodySource as the event-loop server does, on the test's thread: Start once,
/// Take only when woken (and only when the test asks: a client that never reads is one whose
/// test never calls Take), Stop when told. It counts wake calls that come after Stop returned,
/// which the BodySource contract forbids.
class BodyDriver {
 public:
  using Clock = std::chrono::steady_clock;

  explicit BodyDriver(std::shared_ptr<http::BodySource> source);
  BodyDriver(const BodyDriver&) = delete;
  BodyDriver& operator=(const BodyDriver&) = delete;
  /// A body neither ended nor stopped is stopped as if the client left.
  ~BodyDriver();

  /// Takes each time it is woken until what it received contains `needle`, the body ends or
  /// `timeout` passes; returns everything received so far.
  const std::string& TakeUntil(std::string_view needle,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// The same until `done(received)` holds.
  const std::string& TakeUntil(const std::function<bool(const std::string&)>& done,
                               std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Takes until the body ends (true) or `timeout` passes (false).
  bool TakeUntilEnd(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  /// Stops it as the server does; returns the farewell. Records how long Stop took.
  std::string Stop(http::StreamEnd why);

  const std::string& Received() const { return received_; }
  bool Ended() const { return ended_; }
  Clock::duration StopTook() const { return stop_took_; }
  int WakesAfterStop() const;

 private:
  struct Signal {
    std::mutex mutex;
    std::condition_variable woken;
    bool pending = false;
    bool stopped = false;
    int wakes_after_stop = 0;
  };

  /// Waits until woken or `deadline`; then takes once. False when the deadline passed first.
  bool TakeOnce(Clock::time_point deadline);

  std::shared_ptr<Signal> signal_ = std::make_shared<Signal>();
  std::shared_ptr<http::BodySource> source_;
  std::string received_;
  bool ended_ = false;
  bool stopped_ = false;
  Clock::duration stop_took_{};
};

}  // namespace nedlia::testing
