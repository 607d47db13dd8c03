#include "consumers/backlog.hpp"

#include "pg/params.hpp"

namespace nedlia::consumers {
namespace {

// Per partition, in commit order from its position: the events of numbered transactions after
// it, and those of committed transactions not numbered yet (from event_sequencing.final_below,
// below which every transaction is numbered), which readers reach next. The same
// partitioning as the consumer's reads (src/consumers/subscription_rows.cpp).
const pg::Statement kBacklog{"delivery_backlog", R"sql(
    SELECT count(*), extract(epoch FROM clock_timestamp() - min(e.created_at))::float8
    FROM event_subscriptions s
    CROSS JOIN LATERAL (SELECT nedlia_commit_seq(s.last_transaction_id) AS seq) a
    CROSS JOIN LATERAL (
      (SELECT e.created_at
       FROM event_commits c
       JOIN event_log e ON e.transaction_id = c.transaction_id
                       AND e.created_at BETWEEN c.first_created_at AND c.last_created_at
       WHERE c.seq >= a.seq AND (c.seq > a.seq OR e.position > s.last_position)
         AND ($2::text[] IS NULL OR c.event_types && $2::text[])
         AND ($2::text[] IS NULL OR e.event_type = ANY ($2::text[]))
         AND (hashtext(e.aggregate_id::text) & 2147483647) % s.partitions = s.partition
       ORDER BY c.seq, e.position
       LIMIT $3)
      UNION ALL
      (SELECT e.created_at
       FROM event_log e
       WHERE e.transaction_id >= (SELECT final_below FROM event_sequencing)
         AND NOT EXISTS (SELECT FROM event_commits c WHERE c.transaction_id = e.transaction_id)
         AND ($2::text[] IS NULL OR e.event_type = ANY ($2::text[]))
         AND (hashtext(e.aggregate_id::text) & 2147483647) % s.partitions = s.partition
       LIMIT $3)) e
    WHERE s.consumer = $1)sql"};

}  // namespace

Backlog MeasureBacklog(pg::Connection& connection, const std::string& name,
                       const std::vector<std::string>& types) {
  std::optional<std::vector<std::string>> filter;
  if (!types.empty())
    filter = types;
  const pg::Result result =
      connection.Execute(kBacklog, pg::Params(name, filter, kBacklogCountCap));
  const pg::Row row = result.Single();
  Backlog backlog{.events = row[0].As<std::int64_t>()};
  if (!row[1].IsNull())
    backlog.oldest_age_seconds = row[1].As<double>();
  return backlog;
}

}  // namespace nedlia::consumers
