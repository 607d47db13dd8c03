#include "cli/workers.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "bus/relay.hpp"
#include "cli/command.hpp"
#include "cli/object_store_factory.hpp"
#include "events/catalog.hpp"
#include "metrics/registry.hpp"
#include "process/log_context.hpp"
#include "readmodel/projector.hpp"
#include "validator/validator.hpp"

namespace nedlia::cli {

namespace {

// A video's placement files are rendered at most about once a second however often it changes.
constexpr std::chrono::milliseconds kFileCoalesce{1000};

}  // namespace

Workers::Workers(const Settings& settings, pg::Pool& pool) : settings_(settings), pool_(pool) {}

Workers::~Workers() {
  for (Running& worker : running_) {
    worker.thread.request_stop();
    worker.wakeup->Interrupt();
  }
  for (Running& worker : running_)
    worker.thread.join();
}

std::vector<std::string> Workers::Known() {
  return {validator::kValidatorName, readmodel::kProjectorName, notifier::kNotifierName,
          placement_files::kFileGeneratorName, bus::kRelayName};
}

std::string Workers::KnownList() {
  std::string list;
  for (const std::string& name : Known())
    list += (list.empty() ? "" : ", ") + name;
  return list;
}

std::vector<std::string> Workers::Available(const Settings& settings) {
  std::vector<std::string> names{validator::kValidatorName, readmodel::kProjectorName,
                                 notifier::kNotifierName, placement_files::kFileGeneratorName};
  if (settings.nats_url)
    names.emplace_back(bus::kRelayName);
  return names;
}

std::unique_ptr<consumers::Consumer> Workers::Make(const std::string& name) {
  if (name == validator::kValidatorName) {
    return std::make_unique<consumers::Consumer>(validator::MakeValidator(
        pool_, {.limits = {.max_simultaneous = settings_.validation_max_simultaneous},
                .envelope = settings_.Envelope(),
                .today = validator::TodayUtc}));
  }
  if (name == notifier::kNotifierName) {
    StartSenders();
    return std::make_unique<consumers::Consumer>(
        notifier::MakeRecorder(pool_, events::Catalog::Embedded()));
  }
  if (name == bus::kRelayName) {
    if (!settings_.nats_url)
      throw UserError("bus-relay needs NEDLIA_NATS_URL (a NATS server with JetStream)");
    if (!publisher_) {
      publisher_ = std::make_unique<bus::JetStreamPublisher>(bus::StreamSettings{
          .url = *settings_.nats_url,
          .max_age = std::chrono::hours(24 * settings_.retention.event_log_days),
          .replicas = settings_.nats_stream_replicas});
    }
    return std::make_unique<consumers::Consumer>(
        bus::MakeRelay(pool_, events::Catalog::Embedded(), *publisher_));
  }
  if (name == readmodel::kProjectorName) {
    metrics::Histogram& freshness = metrics::Registry::Process().GetHistogram(
        "nedlia_readmodel_freshness_seconds",
        "From an event's writing transaction to its projection into placement_details",
        metrics::LatencyBounds());
    return std::make_unique<consumers::Consumer>(
        readmodel::MakeProjector(pool_, [&freshness](std::int64_t lag_ms) {
          freshness.Observe(static_cast<double>(lag_ms) / 1000.0);
        }));
  }
  if (name == placement_files::kFileGeneratorName) {
    if (!regenerator_) {
      objects_ = MakeObjectStore(settings_);
      regenerator_ =
          std::make_unique<placement_files::Regenerator>(pool_, *objects_, settings_.Envelope());
    }
    return std::make_unique<consumers::Consumer>(
        placement_files::MakeFileGenerator(pool_, *regenerator_, kFileCoalesce));
  }
  throw UserError("no worker named " + name + " (known: " + KnownList() + ")");
}

void Workers::StartSenders() {
  if (senders_)
    return;
  notifier::SenderOptions options{
      .senders = settings_.webhook_senders,
      .senders_per_advertiser = settings_.webhook_senders_per_advertiser,
      .in_flight_per_webhook = settings_.webhook_in_flight_per_webhook,
      .timeout = std::chrono::milliseconds(settings_.webhook_timeout_ms),
      .egress = settings_.WebhookEgress(),
      .retry_schedule = notifier::ParseRetrySchedule(settings_.webhook_retry_schedule),
      .environment = settings_.environment,
      .platform_version = NEDLIA_VERSION};
  sender_pool_ = std::make_unique<pg::Pool>(
      pg::PoolOptions{.url = pool_.Url(), .max_size = static_cast<std::size_t>(options.senders)});
  senders_ = std::make_unique<notifier::Senders>(*sender_pool_, std::move(options));
  senders_->Start();
}

std::vector<ConsumerReads> Workers::Reads() const {
  std::vector<ConsumerReads> reads;
  reads.reserve(running_.size());
  for (const Running& worker : running_)
    reads.push_back({worker.consumer->Options().name, worker.consumer->ReadTypes()});
  return reads;
}

void Workers::Start(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    Running worker{.consumer = Make(name),
                   .wakeup = std::make_unique<consumers::Wakeup>(pool_.Url()),
                   .thread = {}};
    worker.consumer->Subscribe();
    const auto poll = std::chrono::milliseconds(settings_.event_poll_ms);
    worker.thread = std::jthread([consumer = worker.consumer.get(), wakeup = worker.wakeup.get(),
                                  poll, name](std::stop_token stop) {
      const process::LogComponent component(name);
      consumer->Run(stop, *wakeup, poll);
    });
    spdlog::info("worker {} started", name);
    running_.push_back(std::move(worker));
  }
}

}  // namespace nedlia::cli
