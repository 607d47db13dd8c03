// ReplicaCluster::Promote: failover from the managed primary to one of its replicas.
#include <spdlog/spdlog.h>

#include <ctime>
#include <thread>

#include "pg/connection.hpp"
#include "pg/errors.hpp"
#include "pg/replica_cluster.hpp"

namespace nedlia::pg {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kConnectTimeout = 3s;
// pg_promote(wait => true) looks every 100 ms; a promotion takes a few ms to a few tens here, so
// we ask more often and the caller's clock (a failover's RTO) starts sooner.
constexpr auto kPollEvery = 5ms;
// SQLSTATE 55000: pg_promote on a server already out of recovery (another promoter won).
constexpr std::string_view kNotInRecovery = "55000";

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

bool InRecovery(Connection& session) {
  return session.Execute("SELECT pg_is_in_recovery()").Single()[0].As<bool>();
}

std::chrono::milliseconds Since(Clock::time_point started) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
}

}  // namespace

Promotion ReplicaCluster::Promote(std::chrono::milliseconds timeout) {
  const Clock::time_point started = Clock::now();
  const Clock::time_point deadline = started + timeout;
  if (!Exists()) {
    throw ClusterError("there is no replica '" + options_.name + "' in " +
                       replica_.Layout().home.string());
  }
  if (!replica_.Status().accepting) {
    throw ClusterError("replica '" + options_.name + "' is not running; start it first (`nedlia " +
                       "db replica start " + options_.name + "`), then promote it");
  }
  Connection session = Connection::Open(replica_.Url("postgres"), kConnectTimeout);
  if (!InRecovery(session)) {
    RefuseWhilePrimaryTakesWrites("so does replica '" + options_.name +
                                  "', promoted already: stop one of them (two primaries split "
                                  "the data)");
    AwaitWrites(session, deadline);
    FenceOldPrimary();
    return {.already = true, .took = Since(started)};
  }
  RefuseWhilePrimaryTakesWrites("stop it first (`nedlia db stop`): two primaries split the data");
  ClearSynchronousStandbys(session);
  try {
    // wait => false: we poll more often than pg_promote would.
    session.Execute("SELECT pg_promote(false)");
  } catch (const Error& error) {
    if (error.SqlState() != kNotInRecovery) {
      throw ClusterError("cannot promote replica '" + options_.name + "': " + error.what());
    }
  }
  AwaitWrites(session, deadline);
  const std::chrono::milliseconds took = Since(started);
  FenceOldPrimary();
  replica_.LiftFence();  // a former primary, rejoined as this standby, is a primary once more
  ForgetOldPrimary(session);
  spdlog::info("replica {} promoted in {} ms", options_.name, took.count());
  return {.already = false, .took = took};
}

// The managed primary taking writes beside the promoted replica would split the data: clients
// of a multi-host URL would write to whichever is listed first.
void ReplicaCluster::RefuseWhilePrimaryTakesWrites(std::string_view then) const {
  if (!primary_.Status().accepting) {
    return;  // not running (killed, stopped, crashed), or hung
  }
  try {
    Connection primary = Connection::Open(primary_.Url("postgres"), kConnectTimeout);
    if (InRecovery(primary)) {
      return;  // rejoined as a standby already
    }
  } catch (const Error& error) {
    spdlog::debug("the primary answered, then failed: {}", error.what());
    return;
  }
  throw ClusterError("the managed PostgreSQL in " + primary_.Layout().home.string() +
                     " still takes writes; " + std::string(then));
}

void ReplicaCluster::AwaitWrites(Connection& session, Clock::time_point deadline) const {
  for (;;) {
    if (!InRecovery(session)) {
      try {
        // What clients need: a session libpq deems read-write (no longer in hot standby, not
        // read-only by default).
        Connection::Open(replica_.Url("postgres"), kConnectTimeout, TargetSession::kReadWrite);
        return;
      } catch (const ConnectionLost& error) {
        spdlog::debug("promoted replica not writable yet: {}", error.what());
      }
    }
    if (Clock::now() >= deadline) {
      throw ClusterError("replica '" + options_.name +
                         "' did not finish its promotion in time; it may still: see " +
                         replica_.Layout().server_log.string() + " and `nedlia db replica status " +
                         options_.name + "`");
    }
    std::this_thread::sleep_for(kPollEvery);
  }
}

void ReplicaCluster::FenceOldPrimary() const {
  if (!primary_.Status().initialized || primary_.IsStandby() || primary_.FenceReason()) {
    return;
  }
  primary_.Fence("replica '" + options_.name + "' (" + replica_.Layout().home.string() +
                 ") was promoted in its place at " + UtcNow());
}

// A replica copied after synchronous_standby_names was set with ALTER SYSTEM carries it in its
// postgresql.auto.conf. Promoted, it would make every commit wait for a standby it does not
// have yet: an outage right after the failover. Cleared before the promotion, so that no commit
// ever waits.
void ReplicaCluster::ClearSynchronousStandbys(Connection& session) const {
  const auto names = session.Execute("SELECT current_setting('synchronous_standby_names')")
                         .Single()[0]
                         .As<std::string>();
  if (names.empty()) {
    return;
  }
  session.ExecuteScript("ALTER SYSTEM SET synchronous_standby_names = ''");
  session.ExecuteScript("SELECT pg_reload_conf()");
  spdlog::warn(
      "replica {}: synchronous_standby_names was '{}'; cleared, since it has no standby "
      "of its own yet: set it again once one streams from it",
      options_.name, names);
}

// The promoted server still names the old primary and its slot in postgresql.auto.conf (where
// pg_basebackup -R put them). Unused by a primary, but a stale slot name would break it the day
// it is made a standby again by writing primary_conninfo alone.
void ReplicaCluster::ForgetOldPrimary(Connection& session) const {
  try {
    session.ExecuteScript("ALTER SYSTEM RESET primary_conninfo");
    session.ExecuteScript("ALTER SYSTEM RESET primary_slot_name");
  } catch (const Error& error) {
    spdlog::warn(
        "replica {} promoted, but it still names its old primary in "
        "postgresql.auto.conf: {}",
        options_.name, error.what());
  }
}

}  // namespace nedlia::pg
