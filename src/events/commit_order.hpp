#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/event_feed.hpp"
#include "pg/connection.hpp"
#include "pg/pgoutput.hpp"

namespace nedlia::events {

/// Who numbers the transactions that wrote events in commit order (event_sequencing.reader,
/// schema/150_event_commits.sql).
enum class Numbering {
  kFinal,   ///< readers number, in xid order, what lies below the oldest running transaction
  kCommit,  ///< the sequencer numbers each transaction as logical decoding streams its commit
};

const char* NameOf(Numbering numbering);

/// A committed transaction that wrote events, as the sequencer learns of it.
struct TransactionCommit {
  std::uint64_t transaction_id = 0;
  std::string first_created_at;  ///< its events' created_at range (timestamptz text)
  std::string last_created_at;
  std::vector<std::string> event_types;  ///< the distinct types of its events
  std::vector<std::string> advertisers;  ///< the distinct advertiser ids of its events
};

/// The SQL of commit order, on a connection the caller holds.
class CommitOrder {
 public:
  explicit CommitOrder(pg::Connection& connection) : connection_(connection) {}

  /// When readers number (Numbering::kFinal): numbers the transactions that became final since
  /// the last call, commits, and wakes the readers; returns how many. Outside a transaction:
  /// it takes the numbering lock for its own short transaction only. Cheap when nothing is new.
  int SequenceFinal();
  /// The same, sent with the connection's next statement (in autocommit: before it).
  void DeferSequenceFinal();
  /// Numbers `commits`, in their order, skipping those already numbered, in one transaction of
  /// its own; returns how many (the caller wakes the readers: kNumberedChannel). Nothing, and
  /// nullopt, while one of them is not yet visible to new snapshots (a commit streams from the
  /// WAL a moment before it is): try again shortly.
  std::optional<int> Record(const std::vector<TransactionCommit>& commits);
  /// The transactions with events that the current transaction's snapshot sees and that are
  /// not numbered (from event_sequencing.final_below on), in xid order.
  std::vector<TransactionCommit> Unnumbered();
  Numbering Current();
  void Switch(Numbering numbering);
  /// Past the last numbered transaction (the log's start when none is).
  app::LogPosition Top();

  /// The oldest running transaction now, and the WAL position every finished transaction's
  /// commit lies before: once the sequencer has numbered every commit streamed up to
  /// `before`, every transaction below `horizon` that wrote events is numbered.
  struct Mark {
    std::string horizon;  ///< an xid8, as text
    pg::Lsn before;
  };
  Mark TakeMark();
  /// event_sequencing.final_below moves up to `horizon` (never down): the scans of what is not
  /// numbered (Unnumbered, the backlog) start there.
  void AdvanceFinalBelow(const std::string& horizon);

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::events
