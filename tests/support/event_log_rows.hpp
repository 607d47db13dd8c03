#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/ports/event_feed.hpp"
#include "pg/connection.hpp"

namespace nedlia::testing {

/// Every event's id, in the log's order (by transaction, then position).
inline std::vector<std::string> EventIdsInLogOrder(pg::Connection& connection) {
  std::vector<std::string> ids;
  for (const pg::Row& row :
       connection.Execute("SELECT id FROM event_log ORDER BY transaction_id, position"))
    ids.push_back(row[0].As<std::string>());
  return ids;
}

/// One transaction of `count` events of `type`, each of an aggregate of its own.
inline void AppendEventTransaction(pg::Connection& connection, const std::string& type, int count) {
  connection.Execute(R"sql(
      INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data, metadata)
      SELECT $1, 'test', gen_random_uuid(), jsonb_build_object('n', n), '{"source": "/tests"}'
      FROM generate_series(1, $2) AS n)sql",
                     pg::Params(type, count));
}

/// A backlog as an import or a backfill writes it: one event alone, its position returned,
/// then 200 transactions of 100 events each, numbered and analyzed, so that event_commits is
/// young (few rows) and event_log large.
inline app::LogPosition LargeTransactionsAfterOneEvent(pg::Connection& connection,
                                                       const std::string& type) {
  AppendEventTransaction(connection, type, 1);
  const pg::Row first =
      connection.Execute("SELECT transaction_id::text, position FROM event_log").Single();
  const app::LogPosition cursor{.transaction_id = std::stoull(first[0].As<std::string>()),
                                .position = first[1].As<std::int64_t>()};
  for (int i = 0; i < 200; ++i)
    AppendEventTransaction(connection, type, 100);
  connection.ExecuteScript("SELECT nedlia_sequence_final(); ANALYZE event_log, event_commits");
  return cursor;
}

/// The rows this connection's backend took from event_log's partitions (by index, bitmap or
/// sequential scan) and has not reported yet. A backend reports its counts about a second
/// after its statements: use a connection that did nothing else in the last second.
inline std::int64_t EventLogRowsReadNotYetReported(pg::Connection& connection) {
  return connection
      .Execute(
          "SELECT coalesce(sum(idx_tup_fetch + seq_tup_read), 0)::int8 "
          "FROM pg_stat_xact_user_tables WHERE relname LIKE 'event_log%'")
      .Single()[0]
      .As<std::int64_t>();
}

}  // namespace nedlia::testing
