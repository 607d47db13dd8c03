#pragma once

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "events/stored_event.hpp"
#include "pg/connection.hpp"

namespace nedlia::consumers {

/// Thrown by a handler (or before_commit) when what it delivers to is down, not the event
/// wrong: the whole batch rolls back and is read again later, and no attempt is counted, so
/// an outage never fills the dead letters.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Thrown by a handler when the event itself can never be delivered, however often it is
/// tried (the bus refuses its size): it becomes a dead letter at once and the partition moves
/// on, so that one tenant's oversized event never holds up everyone's.
class Undeliverable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ConsumerOptions {
  std::string name;                ///< the durable subscription's name, e.g. "validator"
  std::vector<std::string> types;  ///< versioned event types it handles (from the catalog)
  /// Also accept the older versions of `types` that the catalog lists, upcast to the versions
  /// named in `types`, skipping the copies published for older readers during a migration
  /// window (events::Upcaster). Off for consumers that pass events on as they are (the relay).
  bool upcast = false;
  /// Records each handled event in processed_events, with the handler's effects, so that an
  /// event read again is not handled twice. Off only for a handler that writes nothing to the
  /// database and whose effect deduplicates itself (the relay: JetStream drops a message id it
  /// has seen), which then saves a savepoint and a row per event.
  bool mark_processed = true;
  /// Hand events over as StoredEvent::structured_text, spliced from the row's JSON text,
  /// leaving data and metadata unparsed (null): for a handler that passes events on as they
  /// are (the relay), parsing and serializing again was most of its work.
  bool as_text = false;
  /// Aggregates are spread over this many partitions; each is handled in order by one process
  /// at a time, so up to this many processes share the work. Fixed for a consumer's lifetime.
  int partitions = 4;
  int batch_size = 100;
  /// With synchronous replication, hand over only events every synchronous standby has
  /// flushed (SynchronousStandbys): what a consumer does outside the database (a message
  /// published, a webhook called, a file written) must not rest on a commit that a failover
  /// would take away. Costs nothing without synchronous replication.
  bool await_synchronous_standbys = true;
  /// Attempts at one event before it goes to the dead letters (and the partition moves on).
  int max_attempts = 5;
  std::chrono::milliseconds first_retry{500};  ///< doubled at each failure, with jitter
  std::chrono::milliseconds max_retry{60'000};
  /// Runs after a batch's events were handled, in its transaction, before it commits: a
  /// handler that sends asynchronously waits here for the acknowledgments (throw Unavailable to
  /// roll back); one that gathers its batch writes it here at once (the projector).
  std::function<void(pg::Connection&)> before_commit;
  /// Runs in the delivery transaction when an event becomes a dead letter (its last attempt's
  /// effects rolled back), with the event as stored and the last error: for a consumer whose
  /// work must not stay unfinished, to record that it gave up (the validator fails the run).
  /// Throwing rolls the batch back; the event is then tried again later.
  std::function<void(const events::StoredEvent&, const std::string& error, pg::Connection&)>
      on_dead_letter;
  /// Runs after each pass over the partitions, outside any transaction: work the handlers
  /// deferred until their batches committed (the file generator regenerates, once per pass,
  /// each video its events marked). Returns how much it did, which counts as progress, so
  /// Run does not sleep while it has work. An exception is logged; the next pass runs it again.
  std::function<int()> after_pass;
};

/// What a consumer does with one event. It runs inside the delivery transaction: whatever it
/// writes through `connection` commits together with the consumer's new position and the
/// event's processed mark, or not at all. It throws to fail the event (it is retried).
using EventHandler = std::function<void(const events::StoredEvent&, pg::Connection&)>;

}  // namespace nedlia::consumers
