#include "delivery/consumer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "delivery/backoff.hpp"
#include "delivery/replays.hpp"
#include "delivery/subscription_rows.hpp"
#include "pg/errors.hpp"
#include "pg/transaction.hpp"

namespace nedlia::delivery {

Consumer::Consumer(pg::Pool& pool, ConsumerOptions options, EventHandler handler)
    : pool_(pool),
      options_(std::move(options)),
      reading_(PrepareReading(options_, std::move(handler))) {}

void Consumer::Subscribe() {
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    SubscriptionRows(tx.Conn()).Ensure(options_.name, options_.partitions);
  });
}

int Consumer::RunPartition(int partition) {
  int moved = 0;
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    moved = 0;
    pg::Connection& connection = tx.Conn();
    SubscriptionRows rows(connection);
    if (!rows.TryLock(options_.name, partition))
      return;  // another process is on it
    PartitionState state = rows.Load(options_.name, partition);
    if (state.retry_event_id && state.retry_in_ms > 0)
      return;  // its blocked event is not due yet
    const std::vector<Delivery> batch =
        rows.ReadAfter(options_.name, state.last, reading_.types, options_.partitions, partition,
                       options_.batch_size, options_.mark_processed);
    if (batch.empty())
      return;
    std::int64_t retry_delay_ms = 0;
    for (const Delivery& delivery : batch) {
      const events::StoredEvent& event = delivery.event;
      if (!delivery.processed) {
        try {
          if (options_.mark_processed) {
            connection.Defer("SAVEPOINT nedlia_event");
            reading_.handle(event, connection);
            rows.MarkProcessed(options_.name, event.id);
            connection.Defer("RELEASE SAVEPOINT nedlia_event");
          } else {
            reading_.handle(event, connection);
          }
        } catch (const Unavailable&) {
          throw;  // the whole batch rolls back, no attempt counted
        } catch (const std::exception& error) {
          if (options_.mark_processed)
            RollBackToSavepoint(connection);
          const int attempts = (state.retry_event_id == event.id ? state.retry_attempts : 0) + 1;
          if (attempts < options_.max_attempts) {
            state.retry_event_id = event.id;
            state.retry_attempts = attempts;
            state.last_error = error.what();
            retry_delay_ms = RetryDelay(options_, attempts).count();
            spdlog::warn("consumer {}: event {} ({}) failed, attempt {} of {}: {}", options_.name,
                         event.id.ToString(), event.type, attempts, options_.max_attempts,
                         error.what());
            break;
          }
          spdlog::error("consumer {}: event {} ({}) failed {} times, now a dead letter: {}",
                        options_.name, event.id.ToString(), event.type, attempts, error.what());
          rows.DeadLetter(options_.name, event, attempts, error.what());
        }
      }
      state.last = event.at;
      state.retry_event_id.reset();
      state.retry_attempts = 0;
      state.last_error.clear();
      ++moved;
    }
    if (options_.before_commit)
      options_.before_commit();
    rows.Save(options_.name, partition, state, moved, retry_delay_ms);
  });
  return moved;
}

int Consumer::RunOnce() {
  int moved = replays_.RunIfDue(pool_, options_, reading_.handle);
  // Start where the last pass did not, so that no partition is always served last.
  const int first = next_partition_;
  next_partition_ = (next_partition_ + 1) % options_.partitions;
  for (int i = 0; i < options_.partitions; ++i) {
    const int partition = (first + i) % options_.partitions;
    try {
      moved += RunPartition(partition);
    } catch (const Unavailable& error) {
      // The other partitions would wait on the same outage: try again on the next pass.
      spdlog::warn("consumer {}: {}; retrying later", options_.name, error.what());
      break;
    } catch (const std::exception& error) {
      // Nothing of the batch committed: it is read again on the next pass.
      spdlog::warn("consumer {} partition {}: {}", options_.name, partition, error.what());
    }
  }
  return moved;
}

void Consumer::Run(std::stop_token stop, Wakeup& wakeup, std::chrono::milliseconds poll) {
  while (!stop.stop_requested()) {
    if (RunOnce() == 0)
      wakeup.Wait(poll);
  }
}

}  // namespace nedlia::delivery
