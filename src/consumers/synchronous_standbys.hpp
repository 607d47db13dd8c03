#pragma once

#include <chrono>

#include "pg/connection.hpp"

namespace nedlia::consumers {

/// Holds a consumer back from events that a failover could still take away.
///
/// With a synchronous standby (synchronous_standby_names set), a commit is acknowledged to its
/// client only once the standby has flushed it, but it is visible on the primary before: while
/// the backend waits for the standby, and for good when that wait is cancelled (a statement
/// deadline) or the standby is away. A consumer that acted on such an event (published it,
/// called a webhook, wrote a file) would have acted on something the promoted standby never
/// heard of. So, before a consumer hands over the events it just read, every synchronous
/// standby must have flushed the WAL written up to then, which holds their commits.
///
/// Without synchronous replication there is nothing to wait for and no query is made but a
/// look at the setting every few seconds (it can change with a reload).
class SynchronousStandbys {
 public:
  /// How long one wait lasts before it gives up with Unavailable (the batch rolls back and is
  /// read again later, as for any outage).
  explicit SynchronousStandbys(std::chrono::milliseconds patience = std::chrono::seconds(2),
                               std::chrono::milliseconds recheck_setting = std::chrono::seconds(5));

  /// Returns once every synchronous standby has flushed what the primary has written so far
  /// (the events `connection` read before the call included), or at once when there is no
  /// synchronous replication. Throws Unavailable when no synchronous standby is connected or
  /// they have not caught up within the patience.
  void AwaitFlush(pg::Connection& connection);

 private:
  bool Synchronous(pg::Connection& connection);

  std::chrono::milliseconds patience_;
  std::chrono::milliseconds recheck_setting_;
  std::chrono::steady_clock::time_point setting_read_at_{};
  bool synchronous_ = false;
};

}  // namespace nedlia::consumers
