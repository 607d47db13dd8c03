#include "pg/transaction.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <thread>

namespace nedlia::pg {
namespace {

const char* BeginStatement(const TransactionOptions& options) {
  switch (options.isolation) {
    case IsolationLevel::kSerializable:
      return options.read_only ? "BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY"
                               : "BEGIN ISOLATION LEVEL SERIALIZABLE";
    case IsolationLevel::kRepeatableRead:
      return options.read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                               : "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case IsolationLevel::kReadCommitted:
      break;
  }
  return options.read_only ? "BEGIN READ ONLY" : "BEGIN";
}

}  // namespace

Transaction::Transaction(Connection& connection, const TransactionOptions& options)
    : connection_(connection) {
  connection_.ExecuteScript(BeginStatement(options));
}

Transaction::~Transaction() {
  if (finished_ || !connection_.IsOpen())
    return;
  try {
    connection_.ExecuteScript("ROLLBACK");
  } catch (const std::exception& error) {
    // The pool discards a connection still inside a transaction; nothing else to do here.
    spdlog::warn("rollback failed: {}", error.what());
  }
}

void Transaction::Commit() {
  finished_ = true;
  try {
    connection_.ExecuteScript("COMMIT");
  } catch (const ConnectionLost& error) {
    throw TransactionInDoubt(error.Details());
  }
}

void Transaction::Rollback() {
  finished_ = true;
  connection_.ExecuteScript("ROLLBACK");
}

namespace detail {

void BackoffBeforeRetry(int attempt) {
  thread_local std::mt19937 engine{std::random_device{}()};
  const int ceiling_ms = std::min(200, 5 << std::min(attempt, 6));
  std::uniform_int_distribution<int> jitter(0, ceiling_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(jitter(engine)));
}

}  // namespace detail
}  // namespace nedlia::pg
