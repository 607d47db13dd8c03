#include "cli/platform_metrics.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "consumers/backlog.hpp"
#include "pg/replication_slots.hpp"
#include "repositories/platform_state.hpp"

namespace nedlia::cli {
namespace {

// A gauge family: its help, type and one line per label set.
class Family {
 public:
  Family(const char* name, const char* help) : name_(name) {
    text_ = fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n", name, help);
  }
  void Add(const std::string& labels, double value) {
    text_ += fmt::format("{}{}{} {}\n", name_, labels.empty() ? "" : "{",
                         labels.empty() ? labels : labels + "}", value);
  }
  const std::string& Text() const { return text_; }

 private:
  const char* name_;
  std::string text_;
};

std::string JobsText(const repositories::PlatformState& state) {
  Family last("nedlia_last_success_timestamp_seconds",
              "When each periodic job last succeeded (unix seconds; 0: never).");
  Family failures("nedlia_job_failures", "Failed runs of each periodic job, ever.");
  double archived_rows = 0;
  double archive_failures = 0;
  std::optional<double> last_backup;
  for (const char* job : {"archive", "backup", "partition_upkeep", "retention"}) {
    const auto found = std::find_if(state.jobs.begin(), state.jobs.end(),
                                    [job](const auto& row) { return row.job == job; });
    const bool ran = found != state.jobs.end();
    last.Add(metrics::Label("task", job), ran ? found->last_success_unix.value_or(0) : 0);
    failures.Add(metrics::Label("task", job), ran ? static_cast<double>(found->failures) : 0);
    if (ran && std::string_view(job) == "archive") {
      archived_rows = static_cast<double>(found->rows_total);
      archive_failures = static_cast<double>(found->failures);
    }
    if (ran && std::string_view(job) == "backup")
      last_backup = found->last_success_unix;
  }
  last.Add(metrics::Label("task", "wal_push"), state.last_wal_archived_unix.value_or(0));
  std::string out = last.Text() + failures.Text();
  out += fmt::format(
      "# HELP nedlia_archived_rows_total Rows moved to the object store by archive runs.\n"
      "# TYPE nedlia_archived_rows_total counter\nnedlia_archived_rows_total {}\n"
      "# HELP nedlia_archive_failures_total Archive runs that failed.\n"
      "# TYPE nedlia_archive_failures_total counter\nnedlia_archive_failures_total {}\n",
      archived_rows, archive_failures);
  if (last_backup) {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    Family age("nedlia_backup_newest_age_seconds", "Age of the newest backup.");
    age.Add("", now - *last_backup);
    out += age.Text();
  }
  return out;
}

std::string StateText(const repositories::PlatformState& state) {
  Family dead("nedlia_dead_letters", "Dead letters of each consumer not yet resolved.");
  Family blocked("nedlia_consumer_blocked_partitions",
                 "Partitions of each consumer held by an event waiting to be retried.");
  for (const auto& consumer : state.consumers) {
    dead.Add(metrics::Label("consumer", consumer.consumer),
             static_cast<double>(consumer.dead_letters));
    blocked.Add(metrics::Label("consumer", consumer.consumer),
                static_cast<double>(consumer.blocked_partitions));
  }
  Family disabled("nedlia_webhooks_disabled", "Webhooks disabled after failing deliveries.");
  disabled.Add("", static_cast<double>(state.webhooks_disabled));
  Family queue("nedlia_webhook_delivery_queue", "Webhook deliveries waiting to be sent.");
  queue.Add("", static_cast<double>(state.webhook_deliveries_pending));
  return dead.Text() + blocked.Text() + disabled.Text() + queue.Text() + JobsText(state);
}

/// Every replication slot of the server (the read replicas' physical ones, logical ones): a
/// slot nobody reads keeps the server's WAL without bound, until its disk fills.
std::string SlotsText(const std::vector<pg::SlotInfo>& slots) {
  Family retained("nedlia_replication_slot_retained_bytes",
                  "WAL the server keeps for each replication slot (from its restart position).");
  Family active("nedlia_replication_slot_active",
                "Whether a process streams from each replication slot now.");
  for (const pg::SlotInfo& slot : slots) {
    const std::string label = metrics::Label("slot", slot.name);
    retained.Add(label, static_cast<double>(slot.retained_bytes));
    active.Add(label, slot.active ? 1 : 0);
  }
  return retained.Text() + active.Text();
}

}  // namespace

PlatformMetrics::PlatformMetrics(const std::string& url, std::vector<ConsumerReads> consumers,
                                 std::chrono::milliseconds period)
    : pool_({.url = url, .max_size = 1, .statement_timeout = std::chrono::seconds(5)}),
      consumers_(std::move(consumers)),
      collector_(metrics::Registry::Process().AddCollector([this] { return Text(); })),
      sampler_(std::chrono::milliseconds(0), [this, period] {
        Sample();
        return period;
      }) {}

std::string PlatformMetrics::Text() const {
  const std::lock_guard lock(mutex_);
  return text_;
}

void PlatformMetrics::Sample() {
  std::string text;
  try {
    pg::PooledConnection connection = pool_.Acquire();
    text = Render(*connection) +
           "# HELP nedlia_platform_state_up Whether the last sample of the database's state "
           "succeeded.\n# TYPE nedlia_platform_state_up gauge\nnedlia_platform_state_up 1\n";
  } catch (const std::exception& error) {
    spdlog::debug("could not sample the platform's state: {}", error.what());
    text =
        "# HELP nedlia_platform_state_up Whether the last sample of the database's state "
        "succeeded.\n# TYPE nedlia_platform_state_up gauge\nnedlia_platform_state_up 0\n";
  }
  const std::lock_guard lock(mutex_);
  text_ = std::move(text);
}

std::string PlatformMetrics::Render(pg::Connection& connection) const {
  std::string out =
      StateText(repositories::ReadPlatformState(connection)) + SlotsText(pg::ListSlots(connection));
  if (consumers_.empty())
    return out;
  Family backlog("nedlia_outbox_backlog_events",
                 "Events of a consumer's types not yet read by it (counted up to 100000 per "
                 "partition).");
  Family oldest("nedlia_outbox_oldest_unread_age_seconds",
                "Age of the oldest event a consumer has not read yet (0: none).");
  for (const ConsumerReads& consumer : consumers_) {
    const consumers::Backlog measured =
        consumers::MeasureBacklog(connection, consumer.name, consumer.types);
    backlog.Add(metrics::Label("consumer", consumer.name), static_cast<double>(measured.events));
    oldest.Add(metrics::Label("consumer", consumer.name), measured.oldest_age_seconds.value_or(0));
  }
  return out + backlog.Text() + oldest.Text();
}

}  // namespace nedlia::cli
