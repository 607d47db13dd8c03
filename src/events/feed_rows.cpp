#include "events/feed_rows.hpp"

namespace nedlia::events {
namespace {

// Final events only, as for delivery (see delivery/subscription_rows.cpp): the page's last
// position is a cursor that no later commit can land before. $3 and $4 are optional filters.
const pg::Statement kRead{"feed_read", R"sql(
    SELECT id, event_type, data::text, metadata::text,
           (extract(epoch FROM created_at) * 1000)::int8, transaction_id::text, position
    FROM event_log
    WHERE (transaction_id, position) > ($1::xid8, $2::int8)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      AND ($3::text[] IS NULL OR event_type = ANY ($3::text[]))
      AND ($4::uuid IS NULL OR advertiser_id = $4)
    ORDER BY transaction_id, position
    LIMIT $5)sql"};

}  // namespace

std::vector<app::FeedEvent> FeedRows::Read(const app::FeedQuery& query) {
  const app::LogPosition after = query.after.value_or(app::LogPosition{});
  std::optional<std::vector<std::string>> types;  // null: every type
  if (!query.types.empty())
    types = query.types;
  const pg::Result result =
      connection_.Execute(kRead, pg::Params(std::to_string(after.transaction_id), after.position,
                                            types, query.advertiser, query.limit));
  std::vector<app::FeedEvent> events;
  for (const pg::Row& row : result) {
    events.push_back({.id = row[0].As<domain::Uuid>(),
                      .type = row[1].As<std::string>(),
                      .data = nlohmann::json::parse(row[2].As<std::string>()),
                      .metadata = nlohmann::json::parse(row[3].As<std::string>()),
                      .created_at_ms = row[4].As<std::int64_t>(),
                      .at = {std::stoull(row[5].As<std::string>()), row[6].As<std::int64_t>()}});
  }
  return events;
}

}  // namespace nedlia::events
