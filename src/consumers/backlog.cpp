#include "consumers/backlog.hpp"

#include "pg/params.hpp"

namespace nedlia::consumers {
namespace {

// Per partition, in log order from its position: the first event is the oldest unread one.
// The same partitioning as the consumer's reads (src/consumers/subscription_rows.cpp).
const pg::Statement kBacklog{"delivery_backlog", R"sql(
    SELECT count(*), extract(epoch FROM clock_timestamp() - min(e.created_at))::float8
    FROM event_subscriptions s
    CROSS JOIN LATERAL (
      SELECT e.created_at FROM event_log e
      WHERE (e.transaction_id, e.position) > (s.last_transaction_id, s.last_position)
        AND ($2::text[] IS NULL OR e.event_type = ANY ($2::text[]))
        AND (hashtext(e.aggregate_id::text) & 2147483647) % s.partitions = s.partition
      ORDER BY e.transaction_id, e.position
      LIMIT $3) e
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
