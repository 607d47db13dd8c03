#pragma once

#include <cstdint>

#include "pg/connection.hpp"

namespace nedlia::pg {

/// Runs `statement` (a DELETE of at most $N rows, N being the parameter after `params`) again
/// and again, each run a transaction of its own, until one affects fewer than `batch` rows;
/// returns the rows affected in all. A purge of millions of rows then never holds one
/// transaction, its locks and its snapshot for long, and what it did survives an interruption.
std::int64_t ExecuteInBatches(Connection& connection, const Statement& statement, Params params,
                              int batch);

}  // namespace nedlia::pg
