// The read model benchmark (issue 5 point 7): the projector's per-event cost against the size
// of placement_details, the specification's REFRESH MATERIALIZED VIEW CONCURRENTLY beside it,
// and the projector's freshness lag under a steady stream of placement updates. bench/readmodel
// runs it at each size on a database it filled (and runs the HTTP part with wrk).
//
//   readmodel_bench --database-url URL [--samples N] [--repetitions N] [--rate N]
//                   [--duration S] [--warmup S] [--writers N] [--poll-ms MS] PHASE...
//
// PHASE is refresh, mv-refresh or freshness; each prints one line "PHASE key=value ..." on
// standard output.
//   refresh     DetailRows::Refresh(kPlacement, {id}) for --samples random placements, each in a
//               transaction of its own as the projector runs it, timed from BEGIN to COMMIT
//               returned. The sampled rows are made stale first, so that each refresh rewrites
//               its row as it does after a real change (an equal row would not be rewritten).
//   mv-refresh  the specification's design: a materialized view of placement_details_definition
//               with its unique index on id, refreshed CONCURRENTLY --repetitions times (the
//               spec refreshes it on every event); dropped afterwards.
//   freshness   writers update random placements through the application (repositories::PgDatabase,
//               app::UpdatePlacement with an admin CallContext: the outbox event is written and
//               events::CommitSignal raised as in production) at --rate for --duration seconds,
//               while readmodel::MakeProjector runs as `nedlia serve` runs it (Consumer::Run
//               with a consumers::Wakeup); its observer's freshness of each event is recorded.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/placement_commands.hpp"
#include "bench_support.hpp"
#include "consumers/consumer.hpp"
#include "consumers/subscription_admin.hpp"
#include "consumers/wakeup.hpp"
#include "events/commit_signal.hpp"
#include "pg/pool.hpp"
#include "pg/transaction.hpp"
#include "readmodel/detail_rows.hpp"
#include "readmodel/projector.hpp"
#include "repositories/pg_database.hpp"

namespace nedlia::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Seconds = std::chrono::duration<double>;
using Millis = std::chrono::duration<double, std::milli>;

struct Options {
  std::string database_url;
  int samples = 2000;      ///< refreshes timed in the refresh phase
  int repetitions = 3;     ///< REFRESH MATERIALIZED VIEW CONCURRENTLY runs
  double rate = 500;       ///< updates/s in the freshness phase
  double duration_s = 10;  ///< its measured part
  double warmup_s = 2;     ///< written before it, not measured
  int writers = 4;
  std::chrono::milliseconds poll{1000};  ///< the projector's polling fallback
  std::vector<std::string> phases;
};

class Bench {
 public:
  explicit Bench(Options options)
      : options_(std::move(options)),
        pool_({.url = options_.database_url, .max_size = 1}),
        writer_pool_(
            {.url = options_.database_url, .max_size = static_cast<std::size_t>(options_.writers)}),
        projector_pool_({.url = options_.database_url, .max_size = 3}),
        database_(writer_pool_, envelope_),
        commit_signal_(options_.database_url) {
    database_.SignalCommitsTo(&commit_signal_);
    pg::PooledConnection connection = pool_.Acquire();
    for (const pg::Row row :
         connection->Execute("SELECT id FROM placements WHERE deleted_at IS NULL"))
      ids_.push_back(row[0].As<domain::Uuid>());
    if (ids_.empty())
      throw std::runtime_error("no placements: fill the database first");
  }

  void Refresh() {
    const int warm = std::min(200, options_.samples);
    const std::vector<domain::Uuid> sample =
        Sample(static_cast<std::size_t>(warm) + static_cast<std::size_t>(options_.samples));
    {
      // Stale rows, so that each refresh rewrites its row as after a real change.
      std::string array = "{";
      for (const domain::Uuid& id : sample)
        array += (array.size() > 1 ? "," : "") + id.ToString();
      array += "}";
      pg::PooledConnection connection = pool_.Acquire();
      connection->Execute(
          "UPDATE placement_details SET description = 'stale ' || clock_timestamp() "
          "WHERE id = ANY($1::uuid[])",
          pg::Params(array));
    }
    std::vector<double> timings;
    for (std::size_t i = 0; i < sample.size(); ++i) {
      const auto start = Clock::now();
      pg::RunInTransaction(pool_, {}, [&](pg::Transaction& tx) {
        readmodel::DetailRows(tx.Conn()).Refresh(readmodel::Scope::kPlacement, {sample[i]});
      });
      if (i >= static_cast<std::size_t>(warm))  // the first ones prepare statements, warm caches
        timings.push_back(Millis(Clock::now() - start).count());
    }
    const Quantiles q = Summarize(std::move(timings));
    std::cout << fmt::format(
                     "refresh placements={} samples={} p50_ms={:.3f} p99_ms={:.3f} "
                     "mean_ms={:.3f} max_ms={:.3f}",
                     ids_.size(), options_.samples, q.p50, q.p99, q.mean, q.max)
              << std::endl;
  }

  void MvRefresh() {
    pg::PooledConnection connection = pool_.Acquire();
    const auto created = Clock::now();
    connection->ExecuteScript(
        "DROP MATERIALIZED VIEW IF EXISTS placement_details_mv;"
        "CREATE MATERIALIZED VIEW placement_details_mv AS "
        "SELECT * FROM placement_details_definition;"
        "CREATE UNIQUE INDEX placement_details_mv_id ON placement_details_mv (id);"
        "ANALYZE placement_details_mv");
    const double create_ms = Millis(Clock::now() - created).count();
    std::vector<double> timings;
    for (int i = 0; i < options_.repetitions; ++i) {
      const auto start = Clock::now();
      connection->ExecuteScript("REFRESH MATERIALIZED VIEW CONCURRENTLY placement_details_mv");
      timings.push_back(Millis(Clock::now() - start).count());
      std::cerr << "mv-refresh: " << timings.back() << " ms" << std::endl;
    }
    connection->ExecuteScript("DROP MATERIALIZED VIEW placement_details_mv");
    const Quantiles q = Summarize(std::move(timings));
    std::cout << fmt::format(
                     "mv-refresh placements={} repetitions={} median_ms={:.1f} max_ms={:.1f} "
                     "create_ms={:.1f}",
                     ids_.size(), options_.repetitions, q.p50, q.max, create_ms)
              << std::endl;
  }

  void Freshness() {
    std::mutex mutex;
    std::vector<double> lags;
    std::vector<double> writes_ms;  // each measured write's transaction, begin to commit
    std::atomic<bool> recording{false};
    std::atomic<std::int64_t> observed{0};
    consumers::Consumer projector =
        readmodel::MakeProjector(projector_pool_, [&](std::int64_t lag_ms) {
          observed.fetch_add(1);
          if (!recording.load())
            return;
          const std::lock_guard lock(mutex);
          lags.push_back(static_cast<double>(lag_ms));
        });
    // As a projector that has been running: subscribed, at the log's end.
    projector.Subscribe();
    pg::RunInTransaction(projector_pool_, {}, [&](pg::Transaction& tx) {
      consumers::SubscriptionAdmin admin(tx.Conn());
      admin.Rewind(projector.Options().name, admin.PositionBefore("infinity"));
    });
    while (projector.RunOnce() > 0) {
    }

    std::atomic<std::int64_t> written{0};
    std::atomic<std::int64_t> failed{0};
    const RunningConsumer running(projector, options_.database_url, options_.poll);
    const auto start = Clock::now();
    const auto measured_from =
        start + std::chrono::duration_cast<Clock::duration>(Seconds(options_.warmup_s));
    const auto end =
        measured_from + std::chrono::duration_cast<Clock::duration>(Seconds(options_.duration_s));
    const Seconds interval(1.0 / options_.rate);
    std::int64_t measured_writes = 0;
    {
      std::vector<std::jthread> writers;
      writers.reserve(static_cast<std::size_t>(options_.writers));
      std::atomic<std::int64_t> in_measure{0};
      for (int k = 0; k < options_.writers; ++k) {
        writers.emplace_back([&, k] {
          std::mt19937_64 random(static_cast<std::uint64_t>(k) * 7919 + 17);
          std::uniform_int_distribution<std::size_t> pick(0, ids_.size() - 1);
          for (std::int64_t i = k;; i += options_.writers) {
            const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                         interval * static_cast<double>(i));
            if (due >= end)
              return;
            std::this_thread::sleep_until(due);
            if (due >= measured_from)
              recording.store(true);
            const domain::Uuid id = ids_[pick(random)];
            const auto began = Clock::now();
            try {
              database_.Write(caller_, [&](app::Transaction& tx) {
                const app::OwnedPlacement current = app::GetPlacement(tx, caller_.principal, id);
                app::PlacementPatch patch;
                patch.description = std::optional<std::string>("bench update " + std::to_string(i));
                app::UpdatePlacement(tx, caller_, id, current.placement.audit.version, patch);
              });
              written.fetch_add(1);
              if (due >= measured_from) {
                in_measure.fetch_add(1);
                const std::lock_guard lock(mutex);
                writes_ms.push_back(Millis(Clock::now() - began).count());
              }
            } catch (const std::exception& error) {
              failed.fetch_add(1);
              spdlog::warn("a writer failed: {}", error.what());
            }
          }
        });
      }
      writers.clear();  // joins
      measured_writes = in_measure.load();
    }
    const Seconds measured = Clock::now() - measured_from;
    const auto patience = Clock::now() + options_.poll + std::chrono::seconds(10);
    while (observed.load() < written.load() && Clock::now() < patience)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::vector<double> copy;
    {
      const std::lock_guard lock(mutex);
      copy = lags;
    }
    const std::size_t observed_count = copy.size();
    const Quantiles q = Summarize(std::move(copy));
    const Quantiles w = Summarize(std::move(writes_ms));
    std::cout << fmt::format(
                     "freshness placements={} writes={} failed={} unprojected={} "
                     "writes_per_s={:.0f} observed={} p50_ms={:.1f} p99_ms={:.1f} max_ms={:.1f} "
                     "write_p50_ms={:.1f} write_p99_ms={:.1f}",
                     ids_.size(), written.load(), failed.load(),
                     std::max<std::int64_t>(0, written.load() - observed.load()),
                     static_cast<double>(measured_writes) / measured.count(), observed_count, q.p50,
                     q.p99, q.max, w.p50, w.p99)
              << std::endl;
  }

 private:
  std::vector<domain::Uuid> Sample(std::size_t count) {
    std::mt19937_64 random(42);
    std::vector<domain::Uuid> shuffled = ids_;
    count = std::min(count, shuffled.size());
    for (std::size_t i = 0; i < count; ++i) {
      std::uniform_int_distribution<std::size_t> pick(i, shuffled.size() - 1);
      std::swap(shuffled[i], shuffled[pick(random)]);
    }
    shuffled.resize(count);
    return shuffled;
  }

  Options options_;
  pg::Pool pool_;
  pg::Pool writer_pool_;
  pg::Pool projector_pool_;
  events::EnvelopeSettings envelope_{.environment = "bench", .platform_version = "bench"};
  repositories::PgDatabase database_;
  events::CommitSignal commit_signal_;
  std::vector<domain::Uuid> ids_;
  const app::CallContext caller_{
      .principal = {.id = domain::Uuid::NewV7(), .role = app::Role::kAdmin, .name = "bench"},
      .traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"};
};

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "readmodel_bench: " << problem << "\n"
            << "usage: readmodel_bench --database-url URL [--samples N] [--repetitions N]\n"
               "         [--rate N] [--duration S] [--warmup S] [--writers N] [--poll-ms MS]\n"
               "         refresh|mv-refresh|freshness...\n";
  std::exit(2);
}

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
    } else if (arg == "--samples") {
      options.samples = static_cast<int>(std::lround(NumberOf(arg, value)));
    } else if (arg == "--repetitions") {
      options.repetitions = static_cast<int>(std::lround(NumberOf(arg, value)));
    } else if (arg == "--rate") {
      options.rate = NumberOf(arg, value);
    } else if (arg == "--duration") {
      options.duration_s = NumberOf(arg, value);
    } else if (arg == "--warmup") {
      options.warmup_s = NumberOf(arg, value);
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
  if (options.samples <= 0 || options.repetitions <= 0 || options.rate <= 0 ||
      options.duration_s <= 0 || options.writers <= 0)
    Usage("--samples, --repetitions, --rate, --duration and --writers must be positive");
  return options;
}

}  // namespace
}  // namespace nedlia::bench

int main(int argc, char** argv) {
  using nedlia::bench::Bench;
  const nedlia::bench::Options options = nedlia::bench::Parse(argc, argv);
  const std::unordered_map<std::string, void (Bench::*)()> phases = {
      {"refresh", &Bench::Refresh},
      {"mv-refresh", &Bench::MvRefresh},
      {"freshness", &Bench::Freshness}};
  for (const std::string& name : options.phases) {
    if (!phases.contains(name))
      nedlia::bench::Usage("unknown phase " + name);
  }
  spdlog::set_level(spdlog::level::warn);
  try {
    Bench bench(options);
    for (const std::string& name : options.phases)
      (bench.*phases.at(name))();
  } catch (const std::exception& error) {
    std::cerr << "readmodel_bench: " << error.what() << std::endl;
    return 1;
  }
  return 0;
}
