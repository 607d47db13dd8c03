#include "consumers/replays.hpp"

#include <spdlog/spdlog.h>

#include "consumers/subscription_rows.hpp"
#include "pg/errors.hpp"
#include "pg/transaction.hpp"

namespace nedlia::consumers {

void RollBackToSavepoint(pg::Connection& connection) {
  try {
    // Also sends whatever is still queued (the savepoint itself, if the handler sent nothing).
    connection.Execute(std::string_view("ROLLBACK TO SAVEPOINT nedlia_event"));
  } catch (const pg::ConnectionLost&) {
    throw;
  } catch (const pg::Error&) {
    // A statement queued by the handler failed and aborted the pipeline before the rollback.
    connection.Execute(std::string_view("ROLLBACK TO SAVEPOINT nedlia_event"));
  }
}

int RunDeadLetterReplays(pg::Pool& pool, const ConsumerOptions& options,
                         const EventHandler& handle) {
  int moved = 0;
  pg::RunInTransaction(pool, {}, [&](pg::Transaction& tx) {
    moved = 0;
    pg::Connection& connection = tx.Conn();
    SubscriptionRows rows(connection);
    for (const events::StoredEvent& event : rows.LockReplays(options.name, options.batch_size)) {
      try {
        connection.Defer("SAVEPOINT nedlia_event");
        handle(event, connection);
        rows.MarkProcessed(options.name, event.id);
        rows.ForgetDeadLetter(options.name, event.id);
        connection.Defer("RELEASE SAVEPOINT nedlia_event");
        spdlog::info("consumer {}: replayed dead letter {} ({})", options.name, event.id.ToString(),
                     event.type);
      } catch (const Unavailable&) {
        throw;
      } catch (const pg::ConnectionLost&) {
        throw;
      } catch (const std::exception& error) {
        RollBackToSavepoint(connection);
        rows.DeadLetterFailedAgain(options.name, event.id, error.what());
        spdlog::error("consumer {}: replayed dead letter {} ({}) failed again: {}", options.name,
                      event.id.ToString(), event.type, error.what());
      }
      ++moved;
    }
    if (moved > 0 && options.before_commit)
      options.before_commit(connection);
  });
  return moved;
}

int ReplayCheck::RunIfDue(pg::Pool& pool, const ConsumerOptions& options,
                          const EventHandler& handle) {
  const auto now = std::chrono::steady_clock::now();
  if (now < next_)
    return 0;
  next_ = now + std::chrono::seconds(1);
  try {
    return RunDeadLetterReplays(pool, options, handle);
  } catch (const std::exception& error) {
    spdlog::warn("consumer {} dead letter replays: {}", options.name, error.what());
    return 0;
  }
}

}  // namespace nedlia::consumers
