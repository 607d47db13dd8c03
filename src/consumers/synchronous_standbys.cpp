#include "consumers/synchronous_standbys.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "consumers/consumer_options.hpp"

namespace nedlia::consumers {
namespace {

constexpr const char* kSetting = "SELECT current_setting('synchronous_standby_names') <> ''";

// The WAL's insert position covers every commit visible now, also one committed with
// synchronous_commit off and not yet flushed.
constexpr const char* kWrittenUpTo = "SELECT pg_current_wal_insert_lsn()::text";

// Synchronous standbys (quorum ones too: any of them may be the one promoted) connected now,
// how many of them have flushed up to $1, and how many senders this role may not look at (a
// role without pg_read_all_stats sees their pids only). The sender list is read afresh at every
// call, unlike pg_stat_replication's join with pg_stat_activity, which a transaction sees as it
// was at its first look.
constexpr const char* kFlushed =
    "SELECT count(*) FILTER (WHERE sync_state IN ('sync', 'quorum')), "
    "count(*) FILTER (WHERE sync_state IN ('sync', 'quorum') AND flush_lsn >= $1::pg_lsn), "
    "count(*) FILTER (WHERE sync_state IS NULL) FROM pg_stat_get_wal_senders()";

constexpr auto kPollEvery = std::chrono::milliseconds(5);

// Once per process: the standbys' state is hidden from this role.
void WarnHidden() {
  static std::once_flag warned;
  std::call_once(warned, [] {
    spdlog::warn(
        "synchronous replication is on, but this database role cannot see the standbys' "
        "replication state (grant it pg_read_all_stats): consumers hand events over without "
        "waiting for the standby, and a failover may take away events they acted on");
  });
}

}  // namespace

SynchronousStandbys::SynchronousStandbys(std::chrono::milliseconds patience,
                                         std::chrono::milliseconds recheck_setting)
    : patience_(patience), recheck_setting_(recheck_setting) {}

bool SynchronousStandbys::Synchronous(pg::Connection& connection) {
  const auto now = std::chrono::steady_clock::now();
  if (setting_read_at_ == std::chrono::steady_clock::time_point{} ||
      now - setting_read_at_ >= recheck_setting_) {
    synchronous_ = connection.Execute(kSetting).Single()[0].As<bool>();
    setting_read_at_ = now;
  }
  return synchronous_;
}

void SynchronousStandbys::AwaitFlush(pg::Connection& connection) {
  if (!Synchronous(connection))
    return;
  const std::string written = connection.Execute(kWrittenUpTo).Single()[0].As<std::string>();
  const auto give_up_at = std::chrono::steady_clock::now() + patience_;
  for (;;) {
    const pg::Row counts = connection.Execute(kFlushed, pg::Params(written)).Single();
    const auto standbys = counts[0].As<std::int64_t>();
    if (standbys > 0 && counts[1].As<std::int64_t>() == standbys)
      return;
    if (counts[2].As<std::int64_t>() > 0) {
      WarnHidden();
      return;  // waiting for what cannot be seen would stop every consumer for good
    }
    if (std::chrono::steady_clock::now() >= give_up_at) {
      throw Unavailable(
          standbys == 0
              ? std::string("no synchronous standby is connected: events are handed over "
                            "once one has them")
              : fmt::format("the synchronous standby has not yet flushed {}: events are handed "
                            "over once it has them",
                            written));
    }
    std::this_thread::sleep_for(kPollEvery);
  }
}

}  // namespace nedlia::consumers
