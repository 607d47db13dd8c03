#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "pg/connection.hpp"

namespace nedlia::pg {

/// Runs `statement` (a DELETE of at most $N rows, N being the parameter after `params`) again
/// and again, each run a transaction of its own, until one affects fewer than `batch` rows;
/// returns the rows affected in all. A purge of millions of rows then never holds one
/// transaction, its locks and its snapshot for long, and what it did survives an interruption.
std::int64_t ExecuteInBatches(Connection& connection, const Statement& statement, Params params,
                              int batch);

/// A retention purge: deletes the rows of a table for which `condition` holds, in batches
/// (ExecuteInBatches), and counts them for a dry run. `condition` takes the age as $1. Each
/// batch's keys come from a snapshot taken before the DELETE, so the condition is checked
/// again on each row as it is when deleted: a row changed meanwhile (a key reused, a mark made
/// again) stays.
class BatchedPurge {
 public:
  /// `name` prefixes its statements' names; `key` lists the table's key columns: "id", or
  /// "principal_id, key".
  BatchedPurge(std::string_view name, std::string_view table, std::string_view key,
               std::string_view condition);
  BatchedPurge(const BatchedPurge&) = delete;
  BatchedPurge& operator=(const BatchedPurge&) = delete;
  BatchedPurge(BatchedPurge&&) = delete;
  BatchedPurge& operator=(BatchedPurge&&) = delete;
  ~BatchedPurge() = default;

  /// Deletes every row past `age`, `batch` at a time; returns how many.
  std::int64_t Run(Connection& connection, int age, int batch) const;
  /// How many rows Run would delete now.
  std::int64_t Count(Connection& connection, int age) const;

 private:
  // Statement holds views: these own the texts.
  std::string purge_name_, purge_sql_, count_name_, count_sql_;
  Statement purge_, count_;
};

}  // namespace nedlia::pg
