// The event delivery benchmark (issue 4): commit-to-consumer latency at a fixed rate, and the
// throughput of draining a backlog, for delivery inside PostgreSQL (consumers::Consumer) and
// through NATS JetStream (the bus relay). bench/events runs it next to the raw ceilings.
//
//   event_delivery_bench --database-url URL [--nats-url URL] [--rate N] [--duration S]
//                        [--busy-duration S] [--warmup S] [--backlog N] [--writers N]
//                        [--poll-ms MS] [--consumer-pg-options "-c NAME=VALUE ..."] PHASE...
//
// PHASE is pg-latency, pg-latency-busy (the same beside an unrelated open write transaction),
// pg-drain, nats-latency, nats-consumer-latency, nats-raw or nats-drain; each prints one line
// "PHASE key=value ..." on standard output. The process numbers commits as a worker does
// (sequencing::Sequencer), from logical decoding where the server allows it. Events are written as
// the application writes them (repositories::PgDatabase: the outbox INSERT travels with COMMIT,
// then events::CommitSignal is raised), one com.nedlia.placement.created.v1 per transaction;
// consumers run as `nedlia worker` runs them (Consumer::Run with a consumers::Wakeup and the
// polling fallback).
#include <nats/nats.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/event_data.hpp"
#include "bench_support.hpp"
#include "bus/jetstream_consumer.hpp"
#include "bus/relay.hpp"
#include "consumers/consumer.hpp"
#include "consumers/subscription_admin.hpp"
#include "consumers/wakeup.hpp"
#include "events/commit_signal.hpp"
#include "events/structured_text.hpp"
#include "events/versions.hpp"
#include "pg/pool.hpp"
#include "pg/transaction.hpp"
#include "repositories/pg_database.hpp"
#include "sequencing/sequencer.hpp"

namespace nedlia::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;
using Milliseconds = std::chrono::duration<double, std::milli>;

constexpr const char* kEventType = "com.nedlia.placement.created.v1";
/// The PostgreSQL consumer of both PG phases (the relay has its own name, bus-relay).
constexpr const char* kConsumerName = "bench-consumer";
/// Events a consumer handles before a phase measures it.
constexpr std::int64_t kWarmEvents = 2000;

struct Options {
  std::string database_url;
  std::string nats_url;
  double rate = 1000;      ///< events/s offered by the writers in the latency phases
  double duration_s = 10;  ///< measured part of a latency phase
  /// Measured part of pg-latency-busy, all of it beside one unrelated write transaction.
  double busy_duration_s = 60;
  double warmup_s = 1;  ///< written before it, not measured
  std::int64_t backlog = 50'000;
  int writers = 4;                       ///< threads sharing the rate, each with its own connection
  std::chrono::milliseconds poll{1000};  ///< the consumers' polling fallback
  /// Server settings for the consumers' sessions only (libpq `options`), to try a change of
  /// theirs without one of the writers', e.g. "-c synchronous_commit=off".
  std::string consumer_pg_options;
  std::vector<std::string> phases;
};

// --- Latency bookkeeping ---------------------------------------------------------------------

struct LatencySummary {
  std::int64_t committed = 0;  ///< events committed in the measured part
  std::int64_t missing = 0;    ///< of those, never seen by the consumer
  double rate = 0;             ///< committed per second of the measured part
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

/// When each event committed and when it first reached the consumer, by event id; called
/// from the writers' and the consumer's threads.
class LatencyLog {
 public:
  void Committed(std::string id, Clock::time_point at) {
    const std::lock_guard lock(mutex_);
    committed_.emplace(std::move(id), at);
  }
  void Arrived(const std::string& id) {
    const Clock::time_point at = Clock::now();
    const std::lock_guard lock(mutex_);
    arrived_.emplace(id, at);  // the first arrival counts (delivery is at least once)
  }
  std::int64_t Pending() const {
    const std::lock_guard lock(mutex_);
    return std::count_if(committed_.begin(), committed_.end(),
                         [this](const auto& entry) { return !arrived_.contains(entry.first); });
  }
  LatencySummary Summarize(Seconds measured) const {
    const std::lock_guard lock(mutex_);
    std::vector<double> latencies;
    LatencySummary summary{.committed = static_cast<std::int64_t>(committed_.size()),
                           .rate = static_cast<double>(committed_.size()) / measured.count()};
    for (const auto& [id, committed] : committed_) {
      const auto arrived = arrived_.find(id);
      if (arrived == arrived_.end()) {
        ++summary.missing;
        continue;
      }
      // A polling pass may see the event before its writer read the clock: count it as zero.
      latencies.push_back(std::max(
          0.0, std::chrono::duration<double, std::milli>(arrived->second - committed).count()));
    }
    const Quantiles quantiles = bench::Summarize(std::move(latencies));
    summary.p50_ms = quantiles.p50;
    summary.p99_ms = quantiles.p99;
    summary.max_ms = quantiles.max;
    return summary;
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Clock::time_point> committed_;
  std::unordered_map<std::string, Clock::time_point> arrived_;
};

// --- NATS -------------------------------------------------------------------------------------

void CheckNats(natsStatus status, const std::string& what) {
  if (status != NATS_OK)
    throw std::runtime_error(what + ": " + natsStatus_GetText(status));
}

/// A cnats connection with a JetStream context that publishes asynchronously as
/// bus::JetStreamPublisher does (at most 4096 messages unacknowledged); closed on destruction.
class NatsClient {
 public:
  explicit NatsClient(const std::string& url) {
    CheckNats(natsConnection_ConnectTo(&connection_, url.c_str()), "cannot connect to " + url);
    jsOptions options;
    jsOptions_Init(&options);
    options.PublishAsync.MaxPending = 4096;
    options.PublishAsync.ErrHandler = &CountFailure;
    options.PublishAsync.ErrHandlerClosure = &failed_;
    CheckNats(natsConnection_JetStream(&jetstream_, connection_, &options), "JetStream");
  }
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;
  ~NatsClient() {
    jsCtx_Destroy(jetstream_);
    natsConnection_Destroy(connection_);
  }

  jsCtx* JetStream() const { return jetstream_; }
  int TakeFailures() { return failed_.exchange(0); }

 private:
  static void CountFailure(jsCtx*, jsPubAckErr*, void* closure) {
    static_cast<std::atomic<int>*>(closure)->fetch_add(1);
  }

  natsConnection* connection_ = nullptr;
  jsCtx* jetstream_ = nullptr;
  std::atomic<int> failed_{0};
};

/// Receives events for the benchmark until destroyed.
class ArrivalSource {
 public:
  virtual ~ArrivalSource() = default;
};

/// An ephemeral JetStream push consumer of the whole stream (new messages only, no acks).
class JetStreamArrivals : public ArrivalSource {
 public:
  JetStreamArrivals(const JetStreamArrivals&) = delete;
  JetStreamArrivals& operator=(const JetStreamArrivals&) = delete;
  JetStreamArrivals(const bus::StreamSettings& stream,
                    std::function<void(const std::string&)> arrived)
      : client_(stream.url), arrived_(std::move(arrived)) {
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = stream.stream.c_str();
    options.Config.DeliverPolicy = js_DeliverNew;
    options.Config.AckPolicy = js_AckNone;
    const std::string subject = stream.subject_prefix + ".>";
    CheckNats(js_Subscribe(&subscription_, client_.JetStream(), subject.c_str(), &OnMessage, this,
                           nullptr, &options, nullptr),
              "cannot subscribe to " + subject);
  }
  ~JetStreamArrivals() override {
    natsSubscription_Unsubscribe(subscription_);
    natsSubscription_Destroy(subscription_);
  }

 private:
  static void OnMessage(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    const char* id = nullptr;
    if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) == NATS_OK)
      static_cast<JetStreamArrivals*>(closure)->arrived_(id);
    natsMsg_Destroy(message);
  }

  NatsClient client_;
  std::function<void(const std::string&)> arrived_;
  natsSubscription* subscription_ = nullptr;
};

/// The consumer end of the NATS measurements, and the one function to swap to measure another
/// consumer (bus::JetStreamConsumer, say, with an EventHandler that calls `arrived`): calls
/// `arrived(event id)` for every event a consumer of the stream receives, until destroyed.
std::unique_ptr<ArrivalSource> ConsumeFromNats(const bus::StreamSettings& stream,
                                               std::function<void(const std::string&)> arrived) {
  return std::make_unique<JetStreamArrivals>(stream, std::move(arrived));
}

/// Drops every message of the stream.
void PurgeStream(const bus::StreamSettings& stream) {
  NatsClient client(stream.url);
  CheckNats(js_PurgeStream(client.JetStream(), stream.stream.c_str(), nullptr, nullptr),
            "cannot purge " + stream.stream);
}

/// The raw ceiling: `count` messages of `payload` to the stream, published asynchronously
/// (each with a Nats-Msg-Id of its own, as the relay sends them) and then all acknowledged;
/// returns messages per second.
double PublishRaw(const bus::StreamSettings& stream, const std::string& payload,
                  std::int64_t count) {
  NatsClient client(stream.url);
  const std::string subject = stream.subject_prefix + "." + kEventType;
  const auto start = Clock::now();
  for (std::int64_t i = 0; i < count; ++i) {
    natsMsg* message = nullptr;
    natsStatus status = natsMsg_Create(&message, subject.c_str(), nullptr, payload.data(),
                                       static_cast<int>(payload.size()));
    if (status == NATS_OK)
      status = natsMsgHeader_Set(message, "Nats-Msg-Id", domain::Uuid::NewV7().ToString().c_str());
    if (status == NATS_OK)
      status = natsMsgHeader_Set(message, "Content-Type", "application/cloudevents+json");
    if (status == NATS_OK)
      status = js_PublishMsgAsync(client.JetStream(), &message, nullptr);
    if (message != nullptr)
      natsMsg_Destroy(message);
    CheckNats(status, "cannot publish");
  }
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MaxWait = 60'000;
  CheckNats(js_PublishAsyncComplete(client.JetStream(), &options), "acknowledgments");
  const Seconds elapsed = Clock::now() - start;
  if (const int failed = client.TakeFailures(); failed > 0)
    throw std::runtime_error("JetStream refused " + std::to_string(failed) + " messages");
  return static_cast<double>(count) / elapsed.count();
}

// --- PostgreSQL -------------------------------------------------------------------------------

/// `url` with libpq's `options` (server settings for the session) set, whether it is a URI or
/// a key=value connection string.
std::string WithServerOptions(const std::string& url, const std::string& options) {
  if (options.empty())
    return url;
  if (!url.starts_with("postgres://") && !url.starts_with("postgresql://"))
    return url + " options='" + options + "'";
  std::string encoded;
  for (const char c : options) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.') {
      encoded += c;
    } else {
      encoded += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
  }
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=" + encoded;
}

/// Passes of the consumer until it moved `count` events; returns events per second.
double Drain(consumers::Consumer& consumer, std::int64_t count) {
  const auto start = Clock::now();
  std::int64_t moved = 0;
  while (moved < count) {
    const int pass = consumer.RunOnce();
    moved += pass;
    if (pass == 0 && Clock::now() - start > std::chrono::minutes(5))
      throw std::runtime_error("the consumer moved only " + std::to_string(moved) + " events");
  }
  const Seconds elapsed = Clock::now() - start;
  return static_cast<double>(moved) / elapsed.count();
}

class Bench {
 public:
  explicit Bench(Options options)
      : options_(std::move(options)),
        consumer_url_(WithServerOptions(options_.database_url, options_.consumer_pg_options)),
        writer_pool_(
            {.url = options_.database_url, .max_size = static_cast<std::size_t>(options_.writers)}),
        consumer_pool_({.url = consumer_url_, .max_size = 3}),
        database_(writer_pool_, envelope_),
        commit_signal_(options_.database_url),
        sequencer_({.database_url = options_.database_url}),
        stream_{.url = options_.nats_url} {
    database_.SignalCommitsTo(&commit_signal_);
    // As in `nedlia worker`: the process numbers commits, from its replication slot where the
    // server allows logical decoding.
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (!sequencer_.Leads() && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::cerr << "events numbered by "
              << (sequencer_.Numbering() == events::Numbering::kCommit ? "logical decoding"
                                                                       : "the horizon")
              << std::endl;
  }

  void PgLatency() { MeasurePgLatency("pg-latency", options_.duration_s); }

  /// The same while one unrelated transaction that took an xid stays open the whole time (a
  /// batch job, a rebuild, a migration anywhere on the server).
  void PgLatencyBusy() {
    pg::Connection unrelated = pg::Connection::Open(options_.database_url);
    unrelated.ExecuteScript(
        "BEGIN; CREATE TEMP TABLE bench_unrelated (n int); INSERT INTO bench_unrelated VALUES (1)");
    MeasurePgLatency("pg-latency-busy", options_.busy_duration_s);
    unrelated.ExecuteScript("ROLLBACK");
  }

  void PgDrain() {
    consumers::Consumer consumer(consumer_pool_, {.name = kConsumerName, .types = {kEventType}},
                                 [](const events::StoredEvent&, pg::Connection&) {});
    MeasureDrain("pg-drain", consumer);
  }

  void NatsLatency() {
    LatencyLog log;
    bus::JetStreamPublisher publisher(stream_);
    consumers::Consumer relay =
        bus::MakeRelay(consumer_pool_, events::Catalog::Embedded(), publisher);
    Warm(relay);  // its first publish creates the stream, which a consumer needs to subscribe
    const auto arrivals =
        ConsumeFromNats(stream_, [&log](const std::string& id) { log.Arrived(id); });
    const RunningConsumer running(relay, consumer_url_, options_.poll);
    Print("nats-latency", MeasureLatency(log));
  }

  /// The same through the platform's own JetStream reader (bus::JetStreamConsumer): each
  /// fetched batch handled in a PostgreSQL transaction that records the events as processed,
  /// and acknowledged after its commit.
  void NatsConsumerLatency() {
    LatencyLog log;
    bus::JetStreamPublisher publisher(stream_);
    consumers::Consumer relay =
        bus::MakeRelay(consumer_pool_, events::Catalog::Embedded(), publisher);
    Warm(relay);
    PurgeStream(stream_);  // a new durable consumer starts at the stream's beginning
    bus::JetStreamConnection connection(stream_);
    bus::JetStreamConsumer reader(
        consumer_pool_, connection,
        {.name = "bench-reader-" + domain::Uuid::NewV7().ToString().substr(24),
         .types = {kEventType}},
        [&log](const events::StoredEvent& event, pg::Connection&) {
          log.Arrived(event.id.ToString());
        });
    reader.Subscribe();
    std::jthread reading(
        [&reader](std::stop_token stop) { reader.Run(stop, std::chrono::milliseconds(100)); });
    const RunningConsumer running(relay, consumer_url_, options_.poll);
    Print("nats-consumer-latency", MeasureLatency(log));
  }

  void NatsRaw() {
    const std::string payload = SampleMessage();
    const std::string subject = stream_.subject_prefix + "." + kEventType;
    {
      // The stream as the relay makes it: on the publisher's first message.
      bus::JetStreamPublisher publisher(stream_);
      publisher.Publish(subject, domain::Uuid::NewV7().ToString(), "application/cloudevents+json",
                        payload);
      publisher.WaitForAcks(std::chrono::seconds(5));
    }
    const double rate = PublishRaw(stream_, payload, options_.backlog);
    std::cout << fmt::format("nats-raw messages={} bytes={} messages_per_s={:.0f}",
                             options_.backlog, payload.size(), rate)
              << std::endl;
  }

  void NatsDrain() {
    bus::JetStreamPublisher publisher(stream_);
    consumers::Consumer relay =
        bus::MakeRelay(consumer_pool_, events::Catalog::Embedded(), publisher);
    MeasureDrain("nats-drain", relay);
  }

 private:
  void MeasurePgLatency(const std::string& phase, double duration_s) {
    LatencyLog log;
    consumers::Consumer consumer(consumer_pool_, {.name = kConsumerName, .types = {kEventType}},
                                 [&log](const events::StoredEvent& event, pg::Connection&) {
                                   log.Arrived(event.id.ToString());
                                 });
    Warm(consumer);
    const RunningConsumer running(consumer, consumer_url_, options_.poll);
    Print(phase, MeasureLatency(log, duration_s));
  }

  /// A placement.created event as app::CreatePlacement makes it (~240 bytes of data).
  app::NewEvent NewEvent() const {
    const domain::Placement placement{.id = domain::Uuid::NewV7(),
                                      .video_id = domain::Uuid::NewV7(),
                                      .product_id = domain::Uuid::NewV7(),
                                      .time_range = {.start_ms = 12'500, .end_ms = 30'250},
                                      .audit = {.created_by = caller_.principal.id}};
    return {.type = kEventType,
            .aggregate_type = "placement",
            .aggregate_id = placement.id,
            .advertiser_id = advertiser_,
            // v1 on its own (as an older release wrote it): a v2 would bring its v1 copy along
            // during the migration window, two events per transaction.
            .data = *events::ConvertData("com.nedlia.placement.created", 2, 1,
                                         app::PlacementCreatedData(placement))};
  }

  /// The structured CloudEvent the relay publishes for such an event.
  /// The message the relay sends for such an event: the row's JSON as PostgreSQL prints it,
  /// spliced into a structured CloudEvent (events::StructuredText).
  std::string SampleMessage() {
    const app::NewEvent event = NewEvent();
    const events::StoredEvent stored{
        .id = domain::Uuid::NewV7(),
        .type = event.type,
        .aggregate_type = event.aggregate_type,
        .aggregate_id = event.aggregate_id,
        .data = event.data,
        .metadata = events::EnvelopeMetadata(event, caller_, envelope_),
        .created_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count(),
        .created_by = caller_.principal.id};
    pg::PooledConnection connection = consumer_pool_.Acquire();
    const pg::Row row = connection
                            ->Execute("SELECT ($1::jsonb - 'specversion')::text, $2::jsonb::text",
                                      pg::Params(stored.metadata.dump(), stored.data.dump()))
                            .Single();
    return events::StructuredText(stored, row[0].View(), row[1].View());
  }

  /// Brings the consumer to the state of one that has been running for a while: subscribed,
  /// moved to the log's end, past a first batch of events it handled, with statistics that
  /// know its processed events (see Analyze). It then sees only what comes next.
  void Warm(consumers::Consumer& consumer) {
    consumer.Subscribe();
    AwaitNumbered();
    pg::RunInTransaction(consumer_pool_, {}, [&](pg::Transaction& tx) {
      consumers::SubscriptionAdmin admin(tx.Conn());
      admin.Rewind(consumer.Options().name, admin.PositionBefore("infinity"));
    });
    Preload(kWarmEvents);
    Drain(consumer, kWarmEvents);
    Analyze();
  }

  /// Until every committed event is numbered in commit order (after pgbench's burst the
  /// sequencer may still be numbering): the log's end is then where the consumer starts.
  void AwaitNumbered() {
    pg::PooledConnection connection = consumer_pool_.Acquire();
    const auto deadline = Clock::now() + std::chrono::minutes(2);
    while (Clock::now() < deadline) {
      connection->Execute("SELECT nedlia_sequence_final()");
      const bool done = connection
                            ->Execute(R"sql(
          SELECT NOT EXISTS (
            SELECT FROM event_log e
            WHERE e.transaction_id >= (SELECT final_below FROM event_sequencing)
              AND NOT EXISTS (SELECT FROM event_commits c
                              WHERE c.transaction_id = e.transaction_id)))sql")
                            .Single()[0]
                            .As<bool>();
      if (done)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("events committed 2 minutes ago are still not numbered");
  }

  /// Statistics as a long-lived database has them (autovacuum analyzes a table once a tenth of
  /// it changed, within a minute). Tables that grew from nothing seconds ago would otherwise
  /// be planned as empty: the readers' LEFT JOIN of processed_events then turns into a scan of
  /// all the consumer's processed events for every read (see BENCHMARKS.md).
  void Analyze() {
    pg::PooledConnection connection = consumer_pool_.Acquire();
    connection->ExecuteScript("ANALYZE event_log, event_commits, processed_events");
  }

  /// A backlog of `count` events, 500 per transaction through the application's outbox.
  void Preload(std::int64_t count) {
    for (std::int64_t written = 0; written < count;) {
      const std::int64_t chunk = std::min<std::int64_t>(500, count - written);
      database_.Write(caller_, [&](app::Transaction& tx) {
        for (std::int64_t i = 0; i < chunk; ++i)
          tx.Outbox().Append(NewEvent());
      });
      written += chunk;
    }
  }

  /// One event in a transaction of its own, committed as a request of the API commits it.
  std::string WriteOne() {
    domain::Uuid id;
    database_.Write(caller_, [&](app::Transaction& tx) { id = tx.Outbox().Append(NewEvent()); });
    return id.ToString();
  }

  /// The writers at the fixed rate for warmup + duration, each event's commit logged in the
  /// measured part; then waits for the consumer to have seen them all (or gives up).
  LatencySummary MeasureLatency(LatencyLog& log) {
    return MeasureLatency(log, options_.duration_s);
  }

  LatencySummary MeasureLatency(LatencyLog& log, double duration_s) {
    const auto start = Clock::now();
    const auto measured_from =
        start + std::chrono::duration_cast<Clock::duration>(Seconds(options_.warmup_s));
    const auto end =
        measured_from + std::chrono::duration_cast<Clock::duration>(Seconds(duration_s));
    const Seconds interval(1.0 / options_.rate);
    {
      std::vector<std::jthread> writers;
      writers.reserve(static_cast<std::size_t>(options_.writers));
      for (int k = 0; k < options_.writers; ++k) {
        writers.emplace_back([&, k] {
          for (std::int64_t i = k;; i += options_.writers) {
            const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                         interval * static_cast<double>(i));
            if (due >= end)
              return;
            std::this_thread::sleep_until(due);
            try {
              std::string id = WriteOne();
              if (due >= measured_from)
                log.Committed(std::move(id), Clock::now());
            } catch (const std::exception& error) {
              spdlog::warn("a writer failed: {}", error.what());
            }
          }
        });
      }
    }
    const Seconds measured = Clock::now() - measured_from;
    const auto patience = Clock::now() + options_.poll + std::chrono::seconds(10);
    while (log.Pending() > 0 && Clock::now() < patience)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return log.Summarize(measured);
  }

  /// The consumer's passes over a backlog of options_.backlog events, timed. A backlog is what
  /// a consumer finds when it comes back: numbered meanwhile, as the sequencer numbers commits
  /// whether anyone reads them or not. How long after the last commit the numbering caught up
  /// is reported beside it (numbered_after_ms).
  void MeasureDrain(const std::string& phase, consumers::Consumer& consumer) {
    Warm(consumer);
    Preload(options_.backlog);
    const auto preloaded = Clock::now();
    AwaitNumbered();
    const double numbered_after_ms = Milliseconds(Clock::now() - preloaded).count();
    Analyze();
    std::cerr << phase << ": draining " << options_.backlog << " events" << std::endl;
    const double rate = Drain(consumer, options_.backlog);
    std::cout << fmt::format("{} events={} events_per_s={:.0f} numbered_after_ms={:.0f}", phase,
                             options_.backlog, rate, numbered_after_ms)
              << std::endl;
  }

  static void Print(const std::string& phase, const LatencySummary& s) {
    std::cout << fmt::format(
                     "{} events={} missing={} events_per_s={:.0f} p50_ms={:.2f} p99_ms={:.2f} "
                     "max_ms={:.2f}",
                     phase, s.committed, s.missing, s.rate, s.p50_ms, s.p99_ms, s.max_ms)
              << std::endl;
  }

  Options options_;
  std::string consumer_url_;
  pg::Pool writer_pool_;
  pg::Pool consumer_pool_;
  events::EnvelopeSettings envelope_{.environment = "bench", .platform_version = "bench"};
  repositories::PgDatabase database_;
  events::CommitSignal commit_signal_;
  sequencing::Sequencer sequencer_;
  bus::StreamSettings stream_;
  const app::CallContext caller_{
      .principal = {.id = domain::Uuid::NewV7(), .role = app::Role::kAdmin, .name = "bench"},
      .traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"};
  const domain::Uuid advertiser_ = domain::Uuid::NewV7();
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "event_delivery_bench: " << problem << "\n"
            << "usage: event_delivery_bench --database-url URL [--nats-url URL] [--rate N]\n"
               "         [--duration S] [--busy-duration S] [--warmup S] [--backlog N]\n"
               "         [--writers N] [--poll-ms MS]\n"
               "         [--consumer-pg-options \"-c NAME=VALUE ...\"]\n"
               "         pg-latency|pg-latency-busy|pg-drain|nats-latency|nats-consumer-latency|\n"
               "         nats-raw|nats-drain...\n";
  std::exit(2);
}

/// The number `value` given to `option`, or the usage text.
double NumberOf(const std::string& option, const std::string& value) {
  const std::optional<double> number = ParseNumber(value);
  if (!number)
    Usage(option + " needs a number, not " + value);
  return *number;
}

Options Parse(int argc, char** argv) {
  Options options;
  if (const char* poll = std::getenv("NEDLIA_EVENT_POLL_MS"))
    options.poll = std::chrono::milliseconds(std::lround(NumberOf("NEDLIA_EVENT_POLL_MS", poll)));
  const std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) {
      options.phases.push_back(arg);
      continue;
    }
    if (i + 1 >= args.size())
      Usage(arg + " needs a value");
    const std::string& value = args[++i];
    if (arg == "--database-url") {
      options.database_url = value;
    } else if (arg == "--nats-url") {
      options.nats_url = value;
    } else if (arg == "--consumer-pg-options") {
      options.consumer_pg_options = value;
    } else if (arg == "--rate") {
      options.rate = NumberOf(arg, value);
    } else if (arg == "--duration") {
      options.duration_s = NumberOf(arg, value);
    } else if (arg == "--busy-duration") {
      options.busy_duration_s = NumberOf(arg, value);
    } else if (arg == "--warmup") {
      options.warmup_s = NumberOf(arg, value);
    } else if (arg == "--backlog") {
      options.backlog = std::llround(NumberOf(arg, value));
    } else if (arg == "--writers") {
      options.writers = static_cast<int>(std::lround(NumberOf(arg, value)));
    } else if (arg == "--poll-ms") {
      options.poll = std::chrono::milliseconds(std::lround(NumberOf(arg, value)));
    } else {
      Usage("unknown option " + arg);
    }
  }
  if (options.database_url.empty() || options.phases.empty())
    Usage("--database-url and at least one phase are needed");
  if (options.rate <= 0 || options.duration_s <= 0 || options.busy_duration_s <= 0 ||
      options.writers <= 0 || options.backlog <= 0)
    Usage("--rate, --duration, --busy-duration, --writers and --backlog must be positive");
  return options;
}

}  // namespace
}  // namespace nedlia::bench

int main(int argc, char** argv) {
  using nedlia::bench::Bench;
  const nedlia::bench::Options options = nedlia::bench::Parse(argc, argv);
  const std::unordered_map<std::string, void (Bench::*)()> phases = {
      {"pg-latency", &Bench::PgLatency},
      {"pg-latency-busy", &Bench::PgLatencyBusy},
      {"pg-drain", &Bench::PgDrain},
      {"nats-latency", &Bench::NatsLatency},
      {"nats-consumer-latency", &Bench::NatsConsumerLatency},
      {"nats-raw", &Bench::NatsRaw},
      {"nats-drain", &Bench::NatsDrain}};
  for (const std::string& name : options.phases) {
    if (!phases.contains(name))
      nedlia::bench::Usage("unknown phase " + name);
    if (name.starts_with("nats") && options.nats_url.empty())
      nedlia::bench::Usage(name + " needs --nats-url");
  }
  spdlog::set_level(spdlog::level::warn);
  try {
    Bench bench(options);
    for (const std::string& name : options.phases)
      (bench.*phases.at(name))();
  } catch (const std::exception& error) {
    std::cerr << "event_delivery_bench: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
