#include "repositories/platform_state.hpp"

namespace nedlia::repositories {
namespace {

const pg::Statement kConsumers{"platform_state_consumers", R"sql(
    SELECT consumer, sum(dead_letters)::int8, sum(blocked)::int8
    FROM (SELECT consumer, 0 AS dead_letters, count(*) FILTER (WHERE retry_event_id IS NOT NULL)
                 AS blocked
          FROM event_subscriptions GROUP BY consumer
          UNION ALL
          SELECT consumer, count(*), 0 FROM event_dead_letters GROUP BY consumer) c
    GROUP BY consumer ORDER BY consumer)sql"};

const pg::Statement kWebhooks{"platform_state_webhooks", R"sql(
    SELECT (SELECT count(*) FROM webhooks WHERE status = 'disabled' AND deleted_at IS NULL),
           (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'))sql"};

const pg::Statement kJobs{"platform_state_jobs", R"sql(
    SELECT job, extract(epoch FROM last_success_at)::float8, failures, rows_total
    FROM job_runs ORDER BY job)sql"};

// Only a superuser or pg_monitor sees the archiver's row in full; others read nulls.
const pg::Statement kWalArchiver{"platform_state_wal_archiver", R"sql(
    SELECT extract(epoch FROM last_archived_time)::float8 FROM pg_stat_archiver)sql"};

}  // namespace

PlatformState ReadPlatformState(pg::Connection& connection) {
  PlatformState state;
  for (const pg::Row& row : connection.Execute(kConsumers)) {
    state.consumers.push_back({.consumer = row[0].As<std::string>(),
                               .dead_letters = row[1].As<std::int64_t>(),
                               .blocked_partitions = row[2].As<std::int64_t>()});
  }
  const pg::Result webhooks = connection.Execute(kWebhooks);
  state.webhooks_disabled = webhooks.Single()[0].As<std::int64_t>();
  state.webhook_deliveries_pending = webhooks.Single()[1].As<std::int64_t>();
  for (const pg::Row& row : connection.Execute(kJobs)) {
    state.jobs.push_back({.job = row[0].As<std::string>(),
                          .last_success_unix = row[1].As<std::optional<double>>(),
                          .failures = row[2].As<std::int64_t>(),
                          .rows_total = row[3].As<std::int64_t>()});
  }
  const pg::Result archiver = connection.Execute(kWalArchiver);
  if (!archiver.Empty())
    state.last_wal_archived_unix = archiver.Single()[0].As<std::optional<double>>();
  return state;
}

}  // namespace nedlia::repositories
