#pragma once

#include <memory>
#include <stop_token>
#include <thread>
#include <vector>

#include "consumers/consumer.hpp"
#include "events/catalog.hpp"
#include "metrics/registry.hpp"
#include "notifier/delivery_queue.hpp"
#include "notifier/notifier_options.hpp"
#include "pg/pool.hpp"

namespace nedlia::notifier {

/// The event types webhooks may subscribe to: those the catalog routes to the notifier.
std::vector<std::string> SubscribableTypes(const events::Catalog& catalog);

/// The notifier's consumer: for each event of a subscribable type it records, in the delivery
/// transaction, a pending delivery per matching active webhook of the event's advertiser.
/// Cheap and transactional; the sending is the Senders' job.
consumers::Consumer MakeRecorder(pg::Pool& pool, const events::Catalog& catalog);

/// The threads that send due deliveries (Standard Webhooks): each claims one delivery at a
/// time, POSTs it with its signature and records the outcome.
class Senders {
 public:
  /// `pool` needs a connection per sender thread to send without waiting.
  Senders(pg::Pool& pool, SenderOptions options);
  Senders(const Senders&) = delete;
  Senders& operator=(const Senders&) = delete;
  /// Stops the threads: each finishes the attempt it is making.
  ~Senders();

  void Start();
  /// Claims, sends and records one due delivery; false when none was due. For tests and for
  /// the threads.
  bool SendOne();

 private:
  void Run(std::stop_token stop);

  SenderOptions options_;
  DeliveryQueue queue_;
  /// nedlia_webhook_deliveries_total{outcome}: delivered; failed (to be tried again); gave_up
  /// (the last attempt of the retry schedule failed).
  metrics::Counter& delivered_;
  metrics::Counter& failed_;
  metrics::Counter& gave_up_;
  std::vector<std::jthread> threads_;
};

}  // namespace nedlia::notifier
