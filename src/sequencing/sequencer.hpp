#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "events/commit_order.hpp"
#include "metrics/registry.hpp"
#include "pg/connection.hpp"
#include "pg/replication_stream.hpp"

namespace nedlia::sequencing {

struct SequencerOptions {
  std::string database_url;
  /// The replication slot; empty: "nedlia_events_" and the database's name (slots are the
  /// cluster's, so each database needs its own).
  std::string slot;
  std::string publication = "nedlia_events";
  /// How long a follower waits before trying to lead again, and the pause after a failure.
  std::chrono::milliseconds retry{1000};
  /// Where readers number: how often the leader numbers without a notification.
  std::chrono::milliseconds poll{250};
};

/// Numbers the transactions that wrote events in commit order (event_commits), so that every
/// reader walks the log in commit order and none waits for an unrelated transaction.
///
/// Any number of processes run one; one at a time leads (a session advisory lock on the
/// database), the others wait to take over. Where the server decodes its WAL (wal_level =
/// logical and a role that may replicate), the leader streams a logical replication slot:
/// each commit of event_log rows arrives in commit order, is numbered, and only then is the
/// slot told it may forget it (a crash replays from the slot; numbering is idempotent). When
/// the slot is new (first start, lost on a promote, invalidated past max_slot_wal_keep_size),
/// the leader first numbers what the slot's start snapshot sees and nothing numbered yet, so
/// nothing is skipped. Where the server cannot, the process says so once and readers number
/// what lies below the oldest running transaction (events::Numbering::kFinal), as before.
class Sequencer {
 public:
  explicit Sequencer(SequencerOptions options,
                     metrics::Registry& registry = metrics::Registry::Process());
  Sequencer(const Sequencer&) = delete;
  Sequencer& operator=(const Sequencer&) = delete;
  /// Stops leading (the slot is kept, confirmed up to what was numbered).
  ~Sequencer();

  /// How this process numbers, once it has asked the server (none before).
  std::optional<events::Numbering> Numbering() const;
  bool Leads() const { return leads_.load(); }

  /// "nedlia_events_" and `database`, made a valid slot name (lowercase letters, digits and
  /// underscores, 63 bytes at most, distinct for distinct databases).
  static std::string SlotFor(const std::string& database);

 private:
  void Loop(const std::stop_token& stop);
  /// Connects, and leads until `stop` or a failure (which throws).
  void Lead(const std::stop_token& stop);
  void StreamCommits(const std::stop_token& stop, pg::Connection& leader, const std::string& slot);
  /// Moves event_sequencing.final_below once the stream has passed a mark taken earlier, and
  /// takes the next mark (once a second at most).
  static void MoveFinalBelow(events::CommitOrder& order, const pg::ReplicationStream& stream,
                             std::optional<events::CommitOrder::Mark>& mark,
                             std::chrono::steady_clock::time_point& next_mark);
  /// Makes the slot anew and numbers what its start snapshot sees unnumbered.
  void Resync(const std::stop_token& stop, pg::Connection& leader, const std::string& slot);
  void NumberFinal(const std::stop_token& stop, pg::Connection& leader);

  SequencerOptions options_;
  metrics::Gauge& commit_reader_;
  metrics::Gauge& final_reader_;
  metrics::Gauge& leader_;
  metrics::Counter& numbered_;
  metrics::Counter& resyncs_;
  std::atomic<int> numbering_{-1};  ///< -1 unknown, else events::Numbering
  std::atomic<bool> leads_{false};
  std::jthread thread_;
};

}  // namespace nedlia::sequencing
