#include "notifier/notifier.hpp"

#include <spdlog/spdlog.h>

#include <string_view>

#include "metrics/registry.hpp"
#include "notifier/signature.hpp"
#include "notifier/transport_error.hpp"
#include "process/pause.hpp"

namespace nedlia::notifier {
namespace {

std::int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The media type of the CloudEvents HTTP binding's structured mode: the body is the whole
/// event as JSON. A CloudEvents-aware receiver (the SDKs' HTTP.toEvent) finds the event by
/// this type; to a plain receiver it is still JSON (RFC 6839's +json suffix).
constexpr std::string_view kStructuredCloudEvent = "application/cloudevents+json; charset=utf-8";

/// The headers of one attempt: structured mode's Content-Type, and Standard Webhooks' id,
/// timestamp and signature. The id is the delivery's, the same on every retry; the timestamp
/// and so the signature are the attempt's own.
std::vector<std::string> HeadersOf(const ClaimedDelivery& delivery) {
  const std::string id = delivery.id.ToString();
  const std::int64_t timestamp = UnixSeconds();
  return {"Content-Type: " + std::string(kStructuredCloudEvent), "webhook-id: " + id,
          "webhook-timestamp: " + std::to_string(timestamp),
          "webhook-signature: " + SignatureOf(delivery.secret, id, timestamp, delivery.payload)};
}

}  // namespace

std::vector<std::string> SubscribableTypes(const events::Catalog& catalog) {
  return catalog.TypesFor(kNotifierName);
}

consumers::Consumer MakeRecorder(pg::Pool& pool, const events::Catalog& catalog) {
  // Events go out as they were written: a webhook subscribes to a versioned type, so no
  // upcasting (a .v1 subscriber gets the .v1 copies during a migration window).
  consumers::ConsumerOptions options{.name = kNotifierName, .types = SubscribableTypes(catalog)};
  return consumers::Consumer(pool, std::move(options),
                             [](const events::StoredEvent& event, pg::Connection& connection) {
                               RecordDeliveries(connection, event);
                             });
}

namespace {

metrics::Counter& DeliveryOutcomes(std::string_view outcome) {
  return metrics::Registry::Process().GetCounter("nedlia_webhook_deliveries_total",
                                                 "Webhook delivery attempts recorded, by outcome.",
                                                 metrics::Label("outcome", outcome));
}

}  // namespace

Senders::Senders(pg::Pool& pool, SenderOptions options)
    : options_(std::move(options)),
      queue_(pool, options_),
      delivered_(DeliveryOutcomes("delivered")),
      failed_(DeliveryOutcomes("failed")),
      gave_up_(DeliveryOutcomes("gave_up")) {}

Senders::~Senders() {
  for (std::jthread& thread : threads_)
    thread.request_stop();
  for (std::jthread& thread : threads_)
    thread.join();
}

void Senders::Start() {
  for (int i = 0; i < options_.senders; ++i)
    threads_.emplace_back([this](std::stop_token stop) { Run(stop); });
}

bool Senders::SendOne() {
  const std::optional<ClaimedDelivery> delivery = queue_.Claim();
  if (!delivery)
    return false;
  PostOutcome outcome;
  try {
    outcome = Post(delivery->url, HeadersOf(*delivery), delivery->payload, options_);
  } catch (const InvalidSecret& error) {
    outcome = {.status = 0, .error = domain::DeliveryError::kInternal, .detail = error.what()};
  }
  if (!outcome.Succeeded()) {
    // The operator's view: the tenant sees only the class.
    spdlog::info("webhook {} delivery {} attempt {} failed: {}: {}",
                 delivery->webhook_id.ToString(), delivery->id.ToString(), delivery->attempt,
                 domain::DeliveryErrorName(*outcome.error), EscapedForLog(outcome.detail));
  }
  queue_.Record(*delivery, outcome);
  const bool last_attempt =
      static_cast<std::size_t>(delivery->attempt) > options_.retry_schedule.size();
  (outcome.Succeeded() ? delivered_ : last_attempt ? gave_up_ : failed_).Increment();
  return true;
}

void Senders::Run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    bool sent = false;
    try {
      sent = SendOne();
    } catch (const std::exception& error) {
      // The database is away: the claim (if any) expires and is retried; wait and go on.
      spdlog::warn("webhook sender: {}", error.what());
    }
    if (sent)
      continue;
    process::PauseFor(stop, options_.poll);
  }
}

}  // namespace nedlia::notifier
