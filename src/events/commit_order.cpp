#include "events/commit_order.hpp"

#include <stdexcept>

namespace nedlia::events {
namespace {

const pg::Statement kSequenceFinal{"commit_order_sequence_final", "SELECT nedlia_sequence_final()"};

// "nedlia" in ASCII, then 8, as nedlia_sequence_final takes it: one numbering transaction at a
// time, so that seq order is the order in which numbers become visible.
const pg::Statement kLock{"commit_order_lock",
                          "SELECT pg_advisory_xact_lock(x'6E65646C69610008'::bigint)"};

// A transaction's commit reaches the WAL (and the decoding) a moment before new snapshots see
// it as committed: numbered in that moment, a reader could see its number but not its events,
// and pass over them for good. So numbers are recorded only when this statement's snapshot sees
// every one of the transactions; a reader that sees the numbers took its snapshot after, and
// sees them too. Otherwise nothing is recorded and the first column says so.
const pg::Statement kRecord{"commit_order_record", R"sql(
    WITH visible AS (
      SELECT bool_and(pg_visible_in_snapshot(x, pg_current_snapshot())) AS all_visible
      FROM unnest($1::xid8[]) AS x),
    added AS (
      INSERT INTO event_commits
          (transaction_id, first_created_at, last_created_at, event_types, advertisers)
      SELECT t.transaction_id, t.first_at, t.last_at, t.event_types::text[],
             t.advertisers::uuid[]
      FROM unnest($1::xid8[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::text[])
           WITH ORDINALITY AS t(transaction_id, first_at, last_at, event_types, advertisers, n)
      WHERE (SELECT all_visible FROM visible)
      ORDER BY t.n
      ON CONFLICT (transaction_id) DO NOTHING
      RETURNING 1)
    SELECT (SELECT all_visible FROM visible), (SELECT count(*) FROM added))sql"};

const pg::Statement kUnnumbered{"commit_order_unnumbered", R"sql(
    SELECT e.transaction_id::text, min(e.created_at)::text, max(e.created_at)::text,
           array_agg(DISTINCT e.event_type::text)::text,
           coalesce(array_agg(DISTINCT e.advertiser_id)
                    FILTER (WHERE e.advertiser_id IS NOT NULL), '{}')::text
    FROM event_log e
    WHERE e.transaction_id >= (SELECT final_below FROM event_sequencing)
      AND NOT EXISTS (SELECT FROM event_commits c WHERE c.transaction_id = e.transaction_id)
    GROUP BY e.transaction_id
    ORDER BY e.transaction_id)sql"};

const pg::Statement kCurrent{"commit_order_current", "SELECT reader FROM event_sequencing"};

const pg::Statement kSwitch{"commit_order_switch",
                            "UPDATE event_sequencing SET reader = $1 WHERE reader <> $1"};

const pg::Statement kTop{"commit_order_top",
                         "SELECT seq, transaction_id::text FROM event_commits "
                         "ORDER BY seq DESC LIMIT 1"};

const pg::Statement kTakeMark{"commit_order_take_mark", R"sql(
    SELECT pg_snapshot_xmin(pg_current_snapshot())::text, pg_current_wal_insert_lsn()::text)sql"};

const pg::Statement kAdvanceFinalBelow{"commit_order_advance_final_below", R"sql(
    UPDATE event_sequencing SET final_below = $1::xid8 WHERE final_below < $1::xid8)sql"};

/// The elements of a one-dimensional array's text of values that need no quoting (event types,
/// uuids): "{a,b}".
std::vector<std::string> ElementsOf(const std::string& text) {
  std::vector<std::string> elements;
  std::string element;
  for (const char c : text) {
    if (c == '{' || c == '}' || c == '"')
      continue;
    if (c == ',') {
      elements.push_back(std::move(element));
      element.clear();
    } else {
      element += c;
    }
  }
  if (!element.empty())
    elements.push_back(std::move(element));
  return elements;
}

}  // namespace

const char* NameOf(Numbering numbering) {
  return numbering == Numbering::kCommit ? "commit" : "final";
}

int CommitOrder::SequenceFinal() {
  return connection_.Execute(kSequenceFinal).Single()[0].As<std::int32_t>();
}

void CommitOrder::DeferSequenceFinal() {
  connection_.Defer(kSequenceFinal);
}

std::optional<int> CommitOrder::Record(const std::vector<TransactionCommit>& commits) {
  if (commits.empty())
    return 0;
  std::vector<std::string> transactions;
  std::vector<std::string> firsts;
  std::vector<std::string> lasts;
  std::vector<std::string> types;
  std::vector<std::string> advertisers;
  for (const TransactionCommit& commit : commits) {
    transactions.push_back(std::to_string(commit.transaction_id));
    firsts.push_back(commit.first_created_at);
    lasts.push_back(commit.last_created_at);
    types.push_back(pg::TextArrayLiteral(commit.event_types));
    advertisers.push_back(pg::TextArrayLiteral(commit.advertisers));
  }
  try {
    connection_.Defer("BEGIN");
    // As in nedlia_sequence_final: numbers need not wait for a synchronous standby (readers
    // hand an event over only once the standby has it; WAL reaches it in order).
    connection_.Defer("SET LOCAL synchronous_commit = local");
    connection_.Defer(kLock);
    const pg::Row row =
        connection_.Execute(kRecord, pg::Params(transactions, firsts, lasts, types, advertisers))
            .Single();
    connection_.ExecuteScript("COMMIT");
    if (!row[0].As<bool>())
      return std::nullopt;
    return static_cast<int>(row[1].As<std::int64_t>());
  } catch (...) {
    connection_.DropDeferred();
    if (connection_.IsOpen() && connection_.InTransaction())
      connection_.ExecuteScript("ROLLBACK");
    throw;
  }
}

std::vector<TransactionCommit> CommitOrder::Unnumbered() {
  std::vector<TransactionCommit> commits;
  for (const pg::Row& row : connection_.Execute(kUnnumbered)) {
    commits.push_back({.transaction_id = std::stoull(row[0].As<std::string>()),
                       .first_created_at = row[1].As<std::string>(),
                       .last_created_at = row[2].As<std::string>(),
                       .event_types = ElementsOf(row[3].As<std::string>()),
                       .advertisers = ElementsOf(row[4].As<std::string>())});
  }
  return commits;
}

Numbering CommitOrder::Current() {
  return connection_.Execute(kCurrent).Single()[0].As<std::string>() == "commit"
             ? Numbering::kCommit
             : Numbering::kFinal;
}

void CommitOrder::Switch(Numbering numbering) {
  connection_.Execute(kSwitch, pg::Params(std::string(NameOf(numbering))));
}

app::LogPosition CommitOrder::Top() {
  const pg::Result top = connection_.Execute(kTop);
  if (top.Empty())
    return {};
  return app::LogPosition::Through(top[0][0].As<std::int64_t>(),
                                   std::stoull(top[0][1].As<std::string>()));
}

CommitOrder::Mark CommitOrder::TakeMark() {
  const pg::Row row = connection_.Execute(kTakeMark).Single();
  const std::optional<pg::Lsn> before = pg::Lsn::Parse(row[1].As<std::string>());
  if (!before) {
    throw std::runtime_error("unexpected WAL position from the server: " +
                             row[1].As<std::string>());
  }
  return {.horizon = row[0].As<std::string>(), .before = *before};
}

void CommitOrder::AdvanceFinalBelow(const std::string& horizon) {
  connection_.Execute(kAdvanceFinalBelow, pg::Params(horizon));
}

}  // namespace nedlia::events
