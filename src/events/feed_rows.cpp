#include "events/feed_rows.hpp"

namespace nedlia::events {
namespace {

// Final events only, as for delivery (see delivery/subscription_rows.cpp): the page's last
// position is a cursor that no later commit can land before. $3 and $4 are optional filters.
const pg::Statement kRead{"feed_read", R"sql(
    SELECT id, event_type, data::text, metadata::text,
           (extract(epoch FROM created_at) * 1000)::int8, transaction_id::text, position,
           advertiser_id
    FROM event_log
    WHERE (transaction_id, position) > ($1::xid8, $2::int8)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      AND ($3::text[] IS NULL OR event_type = ANY ($3::text[]))
      AND ($4::uuid IS NULL OR advertiser_id = $4)
    ORDER BY transaction_id, position
    LIMIT $5)sql"};

// kRead beside the horizon it used. The horizon comes from the same statement's snapshot, so
// a page that is not full proves that nothing else matching lies below it; an empty page still
// yields one row, the horizon's (the event columns are then null).
const pg::Statement kReadPage{"feed_read_page", R"sql(
    SELECT e.id, e.event_type, e.data::text, e.metadata::text,
           (extract(epoch FROM e.created_at) * 1000)::int8, e.transaction_id::text, e.position,
           e.advertiser_id, h.horizon::text
    FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) h
    LEFT JOIN LATERAL (
      SELECT id, event_type, data, metadata, created_at, transaction_id, position, advertiser_id
      FROM event_log
      WHERE (transaction_id, position) > ($1::xid8, $2::int8)
        AND transaction_id < h.horizon
        AND ($3::text[] IS NULL OR event_type = ANY ($3::text[]))
        AND ($4::uuid IS NULL OR advertiser_id = $4)
      ORDER BY transaction_id, position
      LIMIT $5) e ON true
    ORDER BY e.transaction_id, e.position)sql"};

const pg::Statement kFinalHorizon{"feed_final_horizon",
                                  "SELECT pg_snapshot_xmin(pg_current_snapshot())::text"};

pg::Params ParamsOf(const app::FeedQuery& query) {
  const app::LogPosition after = query.after.value_or(app::LogPosition{});
  std::optional<std::vector<std::string>> types;  // null: every type
  if (!query.types.empty())
    types = query.types;
  return pg::Params(std::to_string(after.transaction_id), after.position, types, query.advertiser,
                    query.limit);
}

app::FeedEvent EventOf(const pg::Row& row) {
  return {.id = row[0].As<domain::Uuid>(),
          .type = row[1].As<std::string>(),
          .data = nlohmann::json::parse(row[2].As<std::string>()),
          .metadata = nlohmann::json::parse(row[3].As<std::string>()),
          .created_at_ms = row[4].As<std::int64_t>(),
          .at = {std::stoull(row[5].As<std::string>()), row[6].As<std::int64_t>()},
          .advertiser_id = row[7].As<std::optional<domain::Uuid>>()};
}

}  // namespace

std::vector<app::FeedEvent> FeedRows::Read(const app::FeedQuery& query) {
  std::vector<app::FeedEvent> events;
  std::size_t bytes = 0;
  for (const pg::Row& row : connection_.Execute(kRead, ParamsOf(query))) {
    bytes += row[2].View().size() + row[3].View().size();
    if (!events.empty() && bytes > query.max_bytes)
      break;  // the next page starts after the last event returned
    events.push_back(EventOf(row));
  }
  return events;
}

FeedPage FeedRows::ReadPage(const app::FeedQuery& query) {
  FeedPage page;
  for (const pg::Row& row : connection_.Execute(kReadPage, ParamsOf(query))) {
    page.horizon = std::stoull(row[8].As<std::string>());
    if (!row[0].IsNull())
      page.events.push_back(EventOf(row));
  }
  return page;
}

std::uint64_t FeedRows::FinalHorizon() {
  return std::stoull(connection_.Execute(kFinalHorizon).Single()[0].As<std::string>());
}

}  // namespace nedlia::events
