#include "events/feed_rows.hpp"

#include "events/commit_order.hpp"

namespace nedlia::events {
namespace {

// In commit order, as for delivery (see consumers/subscription_rows.cpp): a transaction that
// commits late is numbered after the page's last event, so the page's last position is a
// cursor that no later commit can land before. $3 and $4 are optional filters; $6 is the
// cursor's sequence when known (0: resolved from its transaction).
// walk steps through the numbered transactions from the cursor's, one index probe at a time
// and only as far as the page pulls: a page costs what it returns, however much of the log lies
// after it (as one join sorted by commit, a generic plan made while event_commits was small
// read every later transaction for each page). walk yields them in commit order and the
// lateral join keeps its outer side's order, so the rows the page takes are the first ones.
// Each row carries the last numbered transaction, from the same statement's snapshot: a page
// that is not full proves that nothing else matching lies up to it, and an empty page still
// yields one row, the top's (the event columns are then null).
const pg::Statement kReadPage{"feed_read_page", R"sql(
    WITH RECURSIVE a AS MATERIALIZED (
      SELECT CASE WHEN $6::int8 > 0 THEN $6::int8 ELSE nedlia_commit_seq($1::xid8) END AS seq),
    walk AS (
      (SELECT c.seq, c.transaction_id, c.first_created_at, c.last_created_at
       FROM event_commits c
       WHERE c.seq >= (SELECT seq FROM a)
         AND ($3::text[] IS NULL OR c.event_types && $3::text[])
         AND ($4::uuid IS NULL OR $4 = ANY (c.advertisers))
       ORDER BY c.seq LIMIT 1)
      UNION ALL
      SELECT c.* FROM walk w
      CROSS JOIN LATERAL (
        SELECT c.seq, c.transaction_id, c.first_created_at, c.last_created_at
        FROM event_commits c
        WHERE c.seq > w.seq
          AND ($3::text[] IS NULL OR c.event_types && $3::text[])
          AND ($4::uuid IS NULL OR $4 = ANY (c.advertisers))
        ORDER BY c.seq LIMIT 1) c),
    page AS MATERIALIZED (
      SELECT e.*, w.seq FROM walk w
      CROSS JOIN LATERAL (
        SELECT e.id, e.event_type, e.data, e.metadata, e.created_at, e.transaction_id,
               e.position, e.advertiser_id
        FROM event_log e
        WHERE e.transaction_id = w.transaction_id
          AND e.created_at BETWEEN w.first_created_at AND w.last_created_at
          AND (w.seq > (SELECT seq FROM a) OR e.position > $2::int8)
          AND ($3::text[] IS NULL OR e.event_type = ANY ($3::text[]))
          AND ($4::uuid IS NULL OR e.advertiser_id = $4)
        ORDER BY e.position
        LIMIT $5) e
      LIMIT $5)
    SELECT e.id, e.event_type, e.data::text, e.metadata::text,
           (extract(epoch FROM e.created_at) * 1000)::int8, e.transaction_id::text, e.position,
           e.advertiser_id, e.seq, top.seq, top.transaction_id::text
    FROM (SELECT) one
    LEFT JOIN LATERAL (SELECT seq, transaction_id FROM event_commits
                       ORDER BY seq DESC LIMIT 1) top ON true
    LEFT JOIN page e ON true
    ORDER BY e.seq, e.position)sql"};

pg::Params ParamsOf(const app::FeedQuery& query) {
  const app::LogPosition after = query.after.value_or(app::LogPosition{});
  std::optional<std::vector<std::string>> types;  // null: every type
  if (!query.types.empty())
    types = query.types;
  return pg::Params(std::to_string(after.transaction_id), after.position, types, query.advertiser,
                    query.limit, after.sequence);
}

app::FeedEvent EventOf(const pg::Row& row) {
  return {.id = row[0].As<domain::Uuid>(),
          .type = row[1].As<std::string>(),
          .data = nlohmann::json::parse(row[2].As<std::string>()),
          .metadata = nlohmann::json::parse(row[3].As<std::string>()),
          .created_at_ms = row[4].As<std::int64_t>(),
          .at = {.transaction_id = std::stoull(row[5].As<std::string>()),
                 .position = row[6].As<std::int64_t>(),
                 .sequence = row[8].As<std::int64_t>()},
          .advertiser_id = row[7].As<std::optional<domain::Uuid>>()};
}

}  // namespace

std::vector<app::FeedEvent> FeedRows::Read(const app::FeedQuery& query) {
  // Where readers number the transactions (no logical decoding), what became final is
  // numbered first, in the same round trip (a no-op where the sequencer numbers them). A
  // standby cannot, and needs not: it reads what the primary numbered.
  if (!connection_.ServerIsReadOnly())
    CommitOrder(connection_).DeferSequenceFinal();
  std::vector<app::FeedEvent> events;
  std::size_t bytes = 0;
  for (const pg::Row& row : connection_.Execute(kReadPage, ParamsOf(query))) {
    if (row[0].IsNull())
      break;  // nothing after the cursor
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
    if (!row[9].IsNull()) {
      page.top = app::LogPosition::Through(row[9].As<std::int64_t>(),
                                           std::stoull(row[10].As<std::string>()));
    }
    if (!row[0].IsNull())
      page.events.push_back(EventOf(row));
  }
  return page;
}

app::LogPosition FeedRows::Top() {
  return CommitOrder(connection_).Top();
}

}  // namespace nedlia::events
