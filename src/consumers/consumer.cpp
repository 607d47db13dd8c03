#include "consumers/consumer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "consumers/backoff.hpp"
#include "consumers/replays.hpp"
#include "consumers/subscription_rows.hpp"
#include "events/commit_order.hpp"
#include "pg/errors.hpp"
#include "pg/transaction.hpp"

namespace nedlia::consumers {

Consumer::Counters::Counters(const std::string& consumer)
    : handled(metrics::Registry::Process().GetCounter(
          "nedlia_consumer_events_handled_total",
          "Events a consumer's handler took (committed), by consumer.",
          metrics::Label("consumer", consumer))),
      retried(metrics::Registry::Process().GetCounter(
          "nedlia_consumer_events_retried_total",
          "Failed attempts at an event that will be tried again, by consumer.",
          metrics::Label("consumer", consumer))),
      dead_lettered(metrics::Registry::Process().GetCounter(
          "nedlia_consumer_events_dead_lettered_total",
          "Events that failed for good and became dead letters, by consumer.",
          metrics::Label("consumer", consumer))) {}

Consumer::Consumer(pg::Pool& pool, ConsumerOptions options, EventHandler handler)
    : pool_(pool),
      options_(std::move(options)),
      counters_(options_.name),
      reading_(PrepareReading(options_, std::move(handler))) {}

void Consumer::Subscribe() {
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    SubscriptionRows(tx.Conn()).Ensure(options_.name, options_.partitions);
  });
}

namespace {

// Events read per query. A large batch is read in chunks, so that a handler that sends
// asynchronously (the relay) still has one chunk on its way while the next is read.
constexpr int kReadChunk = 500;

// A consumer of rare event types moves past the events it does not read once this many
// transactions lie between its position and the last one numbered when it read. Without it, every
// read scanned the log from its last event onwards (a full CPU in PostgreSQL for a consumer of
// webhooks-only types behind tens of thousands of placements); saving at every read would
// write a row for each idle poll.
constexpr std::int64_t kSkipAfterTransactions = 100;

bool WorthSkippingTo(const events::LogPosition& seen_up_to, const events::LogPosition& last) {
  return seen_up_to > last && seen_up_to.sequence - last.sequence >= kSkipAfterTransactions;
}

}  // namespace

int Consumer::RunPartition(int partition) {
  int moved = 0;
  pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
    moved = 0;
    tally_ = {};
    handled_ids_.clear();
    SubscriptionRows rows(tx.Conn());
    if (!rows.TryLock(options_.name, partition))
      return;  // another process is on it
    PartitionState state = rows.Load(options_.name, partition);
    readers_number_ = state.readers_number;
    if (state.retry_event_id && state.retry_in_ms > 0)
      return;  // its blocked event is not due yet
    bool read_any = false;
    std::optional<std::int64_t> retry_delay_ms;      // set when an event failed and blocks
    std::optional<events::LogPosition> read_to_end;  // set when a read came back short
    while (moved < options_.batch_size && !retry_delay_ms) {
      const int limit = std::min(options_.batch_size - moved, kReadChunk);
      const ReadBatch chunk =
          rows.ReadAfter(options_, state.last, reading_.types, partition, limit);
      read_any = read_any || !chunk.deliveries.empty();
      if (!chunk.deliveries.empty() && options_.await_synchronous_standbys)
        standbys_.AwaitFlush(tx.Conn());
      for (const Delivery& delivery : chunk.deliveries) {
        retry_delay_ms = Deliver(delivery, state, rows, tx.Conn());
        if (retry_delay_ms)
          break;
        ++moved;
      }
      if (!handled_ids_.empty()) {
        rows.MarkProcessed(options_.name, handled_ids_);
        handled_ids_.clear();
      }
      if (static_cast<int>(chunk.deliveries.size()) < limit) {
        read_to_end = chunk.seen_up_to;
        break;  // nothing more to read now
      }
    }
    const bool skips = !retry_delay_ms && read_to_end && WorthSkippingTo(*read_to_end, state.last);
    if (skips)
      state.last = *read_to_end;
    if (!read_any && !skips)
      return;
    if (read_any && options_.before_commit)
      options_.before_commit(tx.Conn());
    rows.Save(options_.name, partition, state, moved, retry_delay_ms.value_or(0));
  });
  // Committed (a transaction that failed threw past here): count what it did.
  counters_.handled.Increment(tally_.handled);
  counters_.retried.Increment(tally_.retried);
  counters_.dead_lettered.Increment(tally_.dead_lettered);
  tally_ = {};
  return moved;
}

std::optional<std::int64_t> Consumer::Deliver(const Delivery& delivery, PartitionState& state,
                                              SubscriptionRows& rows, pg::Connection& connection) {
  const events::StoredEvent& event = delivery.event;
  if (!delivery.processed) {
    try {
      if (options_.mark_processed) {
        connection.Defer("SAVEPOINT nedlia_event");
        reading_.handle(event, connection);
        connection.Defer("RELEASE SAVEPOINT nedlia_event");
        handled_ids_.push_back(event.id);  // marked with the rest of its read
      } else {
        reading_.handle(event, connection);
      }
      ++tally_.handled;
    } catch (const Unavailable&) {
      throw;  // the whole batch rolls back, no attempt counted
    } catch (const pg::ConnectionLost&) {
      throw;  // the database failed, not the event (a read-only server too): the same
    } catch (const std::exception& error) {
      if (options_.mark_processed)
        RollBackToSavepoint(connection);
      const bool hopeless = dynamic_cast<const Undeliverable*>(&error) != nullptr;
      const int attempts = (state.retry_event_id == event.id ? state.retry_attempts : 0) + 1;
      if (!hopeless && attempts < options_.max_attempts) {
        state.retry_event_id = event.id;
        state.retry_attempts = attempts;
        state.last_error = error.what();
        ++tally_.retried;
        spdlog::warn("consumer {}: event {} ({}) failed, attempt {} of {}: {}", options_.name,
                     event.id.ToString(), event.type, attempts, options_.max_attempts,
                     error.what());
        return RetryDelay(options_, attempts).count();
      }
      spdlog::error("consumer {}: event {} ({}) failed {} times, now a dead letter: {}",
                    options_.name, event.id.ToString(), event.type, attempts, error.what());
      rows.DeadLetter(options_.name, event, attempts, error.what());
      ++tally_.dead_lettered;
      if (options_.on_dead_letter)
        options_.on_dead_letter(event, error.what(), connection);
    }
  }
  state.last = event.at;
  state.retry_event_id.reset();
  state.retry_attempts = 0;
  state.last_error.clear();
  return std::nullopt;
}

void Consumer::SequenceFinal() {
  try {
    pg::PooledConnection connection = pool_.Acquire();
    events::CommitOrder(*connection).SequenceFinal();
  } catch (const std::exception& error) {
    // The partitions' reads meet the same failure and say it; what was numbered stays.
    spdlog::debug("consumer {}: numbering final transactions: {}", options_.name, error.what());
  }
}

int Consumer::RunOnce() {
  // A round trip that is a no-op where a sequencer numbers commits from the WAL: skipped while
  // the last partition loaded said so (a switch back to the fallback is seen one pass late).
  if (readers_number_)
    SequenceFinal();
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
  if (options_.after_pass) {
    try {
      moved += options_.after_pass();
    } catch (const std::exception& error) {
      spdlog::warn("consumer {} after its pass: {}", options_.name, error.what());
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

}  // namespace nedlia::consumers
