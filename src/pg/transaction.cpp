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
  // BEGIN travels with the first statement, saving a round trip.
  connection_.Defer(BeginStatement(options));
  if (!options.durable_commit)
    connection_.Defer("SET LOCAL synchronous_commit = off");
}

Transaction::~Transaction() {
  // Statements still queued were never sent: the server knows nothing of them.
  connection_.DropDeferred();
  if (finished_ || !connection_.IsOpen() || !connection_.InTransaction())
    return;
  try {
    connection_.ExecuteScript("ROLLBACK");
  } catch (const std::exception& error) {
    // The pool discards a connection still inside a transaction; nothing else to do here.
    spdlog::warn("rollback failed: {}", error.what());
  }
}

template <class Send>
Result Transaction::SendCommit(const Send& send) {
  try {
    Result result = send();
    finished_ = committed_ = true;
    return result;
  } catch (const ReadOnlyServer&) {
    throw;  // the server answered: a queued write was refused and nothing committed
  } catch (const ConnectionLost& error) {
    finished_ = true;
    throw TransactionInDoubt(error.Details());
  }
}

void Transaction::Commit() {
  if (committed_)
    return;
  // With whatever is still queued (an outbox INSERT): one round trip. A queued statement that
  // fails aborts the pipeline, so COMMIT is skipped and its error thrown here.
  SendCommit([this] { return connection_.Execute(std::string_view("COMMIT")); });
}

Result Transaction::ExecuteAndCommit(const Statement& statement, const Params& params) {
  return SendCommit([&] { return connection_.ExecuteThen(statement, params, "COMMIT"); });
}

void RequireDurableCommit(Connection& connection) {
  connection.Execute(std::string_view("SET LOCAL synchronous_commit = on"));
}

void Transaction::Rollback() {
  finished_ = true;
  connection_.DropDeferred();
  if (connection_.InTransaction())
    connection_.ExecuteScript("ROLLBACK");
}

namespace detail {

void BackoffBeforeRetry(int attempt, std::chrono::steady_clock::time_point deadline) {
  thread_local std::mt19937 engine{std::random_device{}()};
  const int ceiling_ms = std::min(200, 5 << std::min(attempt, 6));
  std::uniform_int_distribution<int> jitter(0, ceiling_ms);
  const auto wake = std::chrono::steady_clock::now() + std::chrono::milliseconds(jitter(engine));
  if (wake >= deadline)
    throw QueryCanceled(ClientError("no time left to retry the transaction"));
  std::this_thread::sleep_until(wake);
}

}  // namespace detail
}  // namespace nedlia::pg
