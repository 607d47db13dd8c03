#include "sequencing/sequencer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <variant>
#include <vector>

#include "consumers/wakeup.hpp"
#include "events/commit_signal.hpp"
#include "pg/errors.hpp"
#include "pg/pgoutput.hpp"
#include "pg/replication_slots.hpp"
#include "pg/replication_stream.hpp"
#include "process/pause.hpp"

namespace nedlia::sequencing {
namespace {

constexpr const char* kReader = "nedlia_event_reader";
constexpr const char* kReaderHelp =
    "1 for how this process's readers walk the log in commit order: reader=\"logical\" (a "
    "replication slot's stream numbers each commit) or reader=\"horizon\" (the fallback: "
    "transactions are numbered once below the oldest running one).";

// "nedlia" in ASCII, then 9: the session lock of the process that leads the numbering.
const pg::Statement kTryLead{"sequencer_try_lead",
                             "SELECT pg_try_advisory_lock(x'6E65646C69610009'::bigint)"};

// Only the columns numbering needs travel in the stream.
const std::vector<std::string> kPublishedColumns = {"transaction_id", "created_at", "event_type",
                                                    "advertiser_id"};

// Commits numbered in one transaction at most; a busy stream is numbered in batches of what
// arrived together, a quiet one commit by commit.
constexpr std::size_t kBatch = 1000;
// How long the stream is waited on when there is nothing to number (also how soon a stop is
// seen).
constexpr std::chrono::milliseconds kIdleWait{200};
// How long the first commit of a batch waits for others to join it.
constexpr std::chrono::milliseconds kLinger{3};
// How often, at most, the sequencer takes a mark to move event_sequencing.final_below.
constexpr std::chrono::seconds kMarkEvery{1};
// How soon a batch is tried again when one of its commits is not yet visible (a moment).
constexpr std::chrono::milliseconds kVisibilityRetry{1};

/// Where an event_log relation of the stream keeps the columns numbering reads.
struct EventColumns {
  std::size_t transaction_id = 0;
  std::size_t created_at = 0;
  std::size_t event_type = 0;
  std::size_t advertiser_id = 0;
};

/// A transaction of the stream, from its Begin to its Commit.
struct OpenTransaction {
  std::uint32_t xid = 0;  ///< the low 32 bits of its transaction id, as Begin says it
  std::optional<events::TransactionCommit> events;
};

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::optional<EventColumns> ColumnsOf(const pg::PgOutputRelation& relation) {
  if (relation.name != "event_log")
    return std::nullopt;
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < relation.columns.size(); ++i)
    index[relation.columns[i]] = i;
  for (const std::string& column : kPublishedColumns) {
    if (!index.contains(column))
      return std::nullopt;
  }
  return EventColumns{.transaction_id = index["transaction_id"],
                      .created_at = index["created_at"],
                      .event_type = index["event_type"],
                      .advertiser_id = index["advertiser_id"]};
}

/// Adds `value` to `values` unless it is there (a transaction has one type or two, mostly).
void AddDistinct(std::vector<std::string>& values, const std::string& value) {
  if (std::find(values.begin(), values.end(), value) == values.end())
    values.push_back(value);
}

/// Adds an inserted event_log row to its transaction. A row whose transaction_id is another
/// transaction's (rows moved between partitions, or restored from an archive) is not an event
/// that transaction wrote, and is left out.
void Collect(OpenTransaction& open, const EventColumns& columns, const pg::PgOutputInsert& insert) {
  const std::size_t needed = std::max(
      {columns.transaction_id, columns.created_at, columns.event_type, columns.advertiser_id});
  if (insert.values.size() <= needed)
    return;
  const std::optional<std::string>& xid_text = insert.values[columns.transaction_id];
  const std::optional<std::string>& created_at = insert.values[columns.created_at];
  const std::optional<std::string>& event_type = insert.values[columns.event_type];
  const std::optional<std::string>& advertiser = insert.values[columns.advertiser_id];
  if (!xid_text || !created_at || !event_type)
    return;
  const std::uint64_t xid = std::stoull(*xid_text);
  if ((xid & 0xffffffffULL) != open.xid)
    return;
  if (!open.events) {
    open.events = events::TransactionCommit{
        .transaction_id = xid, .first_created_at = *created_at, .last_created_at = *created_at};
  }
  // The stream writes every timestamp alike (one session's TimeZone and DateStyle), in which
  // text order is time order.
  open.events->first_created_at = std::min(open.events->first_created_at, *created_at);
  open.events->last_created_at = std::max(open.events->last_created_at, *created_at);
  AddDistinct(open.events->event_types, *event_type);
  if (advertiser)
    AddDistinct(open.events->advertisers, *advertiser);
}

/// Numbers `commits` once new snapshots see every one of them (a moment after its commit
/// streamed, see events::CommitOrder::Record); returns how many it numbered. Throws when
/// stopped first: the caller must not confirm what it did not number.
int RecordOnceVisible(events::CommitOrder& order,
                      const std::vector<events::TransactionCommit>& commits,
                      const std::stop_token& stop) {
  while (true) {
    if (const std::optional<int> added = order.Record(commits))
      return *added;
    if (stop.stop_requested())
      throw std::runtime_error("stopped while committed transactions were not yet visible");
    process::PauseFor(stop, kVisibilityRetry);
  }
}

std::uint32_t Fnv1a(const std::string& text) {
  std::uint32_t hash = 2166136261U;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619U;
  }
  return hash;
}

}  // namespace

Sequencer::Sequencer(SequencerOptions options, metrics::Registry& registry)
    : options_(std::move(options)),
      commit_reader_(registry.GetGauge(kReader, kReaderHelp, "reader=\"logical\"")),
      final_reader_(registry.GetGauge(kReader, kReaderHelp, "reader=\"horizon\"")),
      leader_(registry.GetGauge(
          "nedlia_event_sequencer_leader",
          "1 while this process numbers the log's transactions in commit order (one process "
          "leads at a time; the others stand by).")),
      numbered_(registry.GetCounter("nedlia_event_sequencer_transactions_total",
                                    "Transactions with events this process numbered.")),
      resyncs_(registry.GetCounter(
          "nedlia_event_sequencer_resyncs_total",
          "Replication slots made anew (missing, or invalidated past max_slot_wal_keep_size), "
          "each followed by numbering from the tables what the slot will not stream.")),
      thread_([this](const std::stop_token& stop) { Loop(stop); }) {}

Sequencer::~Sequencer() {
  thread_.request_stop();
  thread_.join();
  leader_.Set(0);
}

std::optional<events::Numbering> Sequencer::Numbering() const {
  const int numbering = numbering_.load();
  if (numbering < 0)
    return std::nullopt;
  return static_cast<events::Numbering>(numbering);
}

std::string Sequencer::SlotFor(const std::string& database) {
  std::string name = "nedlia_events_";
  for (const char c : database.substr(0, 36)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    name += plain ? c : (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : '_';
  }
  return name + fmt::format("_{:08x}", Fnv1a(database));
}

void Sequencer::Loop(const std::stop_token& stop) {
  bool failing = false;
  while (!stop.stop_requested()) {
    try {
      Lead(stop);
    } catch (const std::exception& error) {
      if (stop.stop_requested())
        break;
      // One line when it starts failing, not one per retry.
      if (!failing) {
        spdlog::warn("numbering events in commit order failed (retrying): {}", error.what());
      } else {
        spdlog::debug("numbering events in commit order failed again: {}", error.what());
      }
      failing = true;
    }
    if (leads_.exchange(false))
      leader_.Set(0);
    process::PauseFor(stop, options_.retry);
  }
}

void Sequencer::Lead(const std::stop_token& stop) {
  pg::Connection leader = pg::Connection::Open(options_.database_url, std::chrono::seconds(5),
                                               pg::TargetSession::kReadWrite);
  if (numbering_.load() < 0) {
    const std::optional<std::string> why_not = pg::WhyNoLogicalDecoding(leader);
    if (why_not) {
      spdlog::warn(
          "events are read in commit order below the oldest running transaction, not from "
          "logical decoding ({}): a long transaction anywhere on the server delays them",
          *why_not);
    }
    const events::Numbering numbering =
        why_not ? events::Numbering::kFinal : events::Numbering::kCommit;
    commit_reader_.Set(numbering == events::Numbering::kCommit ? 1 : 0);
    final_reader_.Set(numbering == events::Numbering::kFinal ? 1 : 0);
    numbering_.store(static_cast<int>(numbering));
  }
  while (!leader.Execute(kTryLead).Single()[0].As<bool>()) {
    process::PauseFor(stop, options_.retry);  // another process leads
    if (stop.stop_requested())
      return;
  }
  leads_.store(true);
  leader_.Set(1);
  if (Numbering() == events::Numbering::kFinal) {
    events::CommitOrder(leader).Switch(events::Numbering::kFinal);
    NumberFinal(stop, leader);
    return;
  }
  const std::string slot =
      options_.slot.empty()
          ? SlotFor(leader.Execute("SELECT current_database()").Single()[0].As<std::string>())
          : options_.slot;
  pg::EnsurePublication(leader, options_.publication, "event_log", kPublishedColumns);
  StreamCommits(stop, leader, slot);
}

void Sequencer::StreamCommits(const std::stop_token& stop, pg::Connection& leader,
                              const std::string& slot) {
  std::optional<pg::ReplicationStream> stream;
  bool said_in_use = false;  // one line, then a quiet retry every second
  while (!stream && !stop.stop_requested()) {
    try {
      stream.emplace(pg::ReplicationStream::Start(
          {.url = options_.database_url, .slot = slot, .publication = options_.publication}));
    } catch (const pg::SlotUnusable& error) {
      switch (error.Why()) {
        case pg::SlotUnusable::Reason::kMissing:
          // Info, not a warning: every new database starts so.
          spdlog::info(
              "replication slot {} is missing (a new database, a promoted standby, or it was "
              "dropped): making it, and numbering from event_log what it will not stream",
              slot);
          Resync(stop, leader, slot);
          break;
        case pg::SlotUnusable::Reason::kInvalidated:
          spdlog::error(
              "replication slot {} was invalidated: it kept more WAL than "
              "max_slot_wal_keep_size allows, and its changes are gone. Re-syncing from "
              "event_log: no event is lost, readers wait until it is done",
              slot);
          pg::DropSlot(leader, slot);
          Resync(stop, leader, slot);
          break;
        case pg::SlotUnusable::Reason::kInUse:
          if (!said_in_use) {
            spdlog::warn("replication slot {} is in use by another process (retrying): {}", slot,
                         error.what());
          }
          said_in_use = true;
          process::PauseFor(stop, options_.retry);
          break;
      }
    }
  }
  if (!stream)
    return;
  events::CommitOrder order(leader);
  order.Switch(events::Numbering::kCommit);
  // Wakes the readers once numbers committed: at once, then at most once per 10 ms however
  // many batches commit meanwhile (a NOTIFY per batch woke every reader hundreds of times a
  // second under load).
  events::CommitSignal numbered(options_.database_url, std::chrono::milliseconds(10),
                                events::kNumberedChannel);
  spdlog::info("this process numbers events in commit order from replication slot {}", slot);

  std::map<std::uint32_t, std::optional<EventColumns>> relations;
  std::optional<OpenTransaction> open;
  std::optional<events::CommitOrder::Mark> mark;  // waiting for the stream to pass it
  auto next_mark = std::chrono::steady_clock::now();
  std::vector<events::TransactionCommit> batch;
  pg::Lsn handled;  // the end of the last commit received
  auto batch_started = std::chrono::steady_clock::now();
  const auto flush = [&] {
    if (!batch.empty()) {
      const int added = RecordOnceVisible(order, batch, stop);
      numbered_.Increment(static_cast<std::uint64_t>(added));
      if (added > 0)
        numbered.Raise();
    }
    batch.clear();
    if (handled > stream->Confirmed())
      stream->Confirm(handled);  // only once numbered: a crash before replays it
  };
  while (!stop.stop_requested()) {
    // A batch waits for more commits while it is young: under load, fewer and larger
    // numbering transactions (each costs the server a commit); quiet, one commit costs the
    // linger in latency at most.
    const auto now = std::chrono::steady_clock::now();
    std::chrono::milliseconds wait = kIdleWait;
    if (!open && !batch.empty()) {
      wait = std::max(std::chrono::milliseconds(0),
                      std::chrono::ceil<std::chrono::milliseconds>(batch_started + kLinger - now));
    }
    std::optional<pg::PgOutputMessage> message = stream->Next(wait);
    if (!message) {
      flush();
      // Idle and every transaction received handled: the slot may pass the WAL of other
      // tables' changes too, which the stream never shows.
      if (!open && stream->SentEnd() > stream->Confirmed())
        stream->Confirm(stream->SentEnd());
      if (!open)
        MoveFinalBelow(order, *stream, mark, next_mark);
      continue;
    }
    std::visit(Overloaded{
                   [&](const pg::PgOutputRelation& relation) {
                     relations[relation.id] = ColumnsOf(relation);
                   },
                   [&](const pg::PgOutputBegin& begin) {
                     open = OpenTransaction{begin.xid, {}};
                   },
                   [&](const pg::PgOutputInsert& insert) {
                     const auto columns = relations.find(insert.relation_id);
                     if (open && columns != relations.end() && columns->second)
                       Collect(*open, *columns->second, insert);
                   },
                   [&](const pg::PgOutputCommit& commit) {
                     if (open && open->events) {
                       if (batch.empty())
                         batch_started = std::chrono::steady_clock::now();
                       batch.push_back(*open->events);
                     }
                     open.reset();
                     handled = std::max(handled, commit.end_lsn);
                     if (batch.size() >= kBatch)
                       flush();
                   },
                   [](const pg::PgOutputOther&) {},
               },
               *message);
  }
  flush();
}

void Sequencer::MoveFinalBelow(events::CommitOrder& order, const pg::ReplicationStream& stream,
                               std::optional<events::CommitOrder::Mark>& mark,
                               std::chrono::steady_clock::time_point& next_mark) {
  // Every commit the server sent up to SentEnd is numbered (the caller flushed, and no
  // transaction is open): past the mark's WAL position, every transaction below its horizon
  // is numbered.
  if (mark && stream.SentEnd() >= mark->before) {
    order.AdvanceFinalBelow(mark->horizon);
    mark.reset();
  }
  const auto now = std::chrono::steady_clock::now();
  if (!mark && now >= next_mark) {
    mark = order.TakeMark();
    next_mark = now + kMarkEvery;
  }
}

void Sequencer::Resync(const std::stop_token& stop, pg::Connection& leader,
                       const std::string& slot) {
  const pg::NewSlot fresh = pg::NewSlot::Create(options_.database_url, slot);
  for (const char c : fresh.Snapshot()) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-')
      throw std::runtime_error("unexpected snapshot name from the server: " + fresh.Snapshot());
  }
  events::CommitOrder order(leader);
  std::vector<events::TransactionCommit> unnumbered;
  leader.ExecuteScript("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
  try {
    leader.ExecuteScript("SET TRANSACTION SNAPSHOT '" + fresh.Snapshot() + "'");
    unnumbered = order.Unnumbered();
    leader.ExecuteScript("COMMIT");
  } catch (...) {
    if (leader.IsOpen() && leader.InTransaction())
      leader.ExecuteScript("ROLLBACK");
    throw;
  }
  std::size_t added = 0;
  for (std::size_t from = 0; from < unnumbered.size(); from += kBatch) {
    const auto first = unnumbered.begin() + static_cast<std::ptrdiff_t>(from);
    const auto last = unnumbered.begin() +
                      static_cast<std::ptrdiff_t>(std::min(unnumbered.size(), from + kBatch));
    added += static_cast<std::size_t>(RecordOnceVisible(order, {first, last}, stop));
  }
  numbered_.Increment(added);
  resyncs_.Increment();
  spdlog::info("replication slot {} made at {}; numbered {} transactions it will not stream", slot,
               fresh.ConsistentPoint().ToString(), added);
}

void Sequencer::NumberFinal(const std::stop_token& stop, pg::Connection& leader) {
  // Woken by the writers' commits; the numbering wakes the readers (nedlia_sequence_final).
  consumers::Wakeup wakeup(options_.database_url, events::kEventsChannel);
  events::CommitOrder order(leader);
  while (!stop.stop_requested()) {
    numbered_.Increment(static_cast<std::uint64_t>(order.SequenceFinal()));
    wakeup.Wait(options_.poll);
  }
}

}  // namespace nedlia::sequencing
