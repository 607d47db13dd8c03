#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bus/jetstream_publisher.hpp"
#include "cli/platform_metrics.hpp"
#include "cli/settings.hpp"
#include "consumers/consumer.hpp"
#include "consumers/wakeup.hpp"
#include "notifier/notifier.hpp"
#include "pg/pool.hpp"
#include "placement_files/file_generator.hpp"

namespace nedlia::cli {

/// Event consumers running in this process, each on a thread of its own with its own
/// LISTEN connection. `nedlia serve` runs every available one; `nedlia worker` the named ones.
class Workers {
 public:
  Workers(const Settings& settings, pg::Pool& pool);
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;
  /// Stops them: each finishes (or rolls back) its batch.
  ~Workers();

  /// The workers this configuration can run (bus-relay needs NEDLIA_NATS_URL;
  /// file-generator always runs: the object store defaults to a local directory).
  static std::vector<std::string> Available(const Settings& settings);
  /// All the platform knows, configured or not.
  static std::vector<std::string> Known();
  /// Known(), as "a, b, c" for messages and help.
  static std::string KnownList();
  /// Subscribes and starts them; throws UserError for an unknown or unconfigured name.
  void Start(const std::vector<std::string>& names);
  /// What each started consumer reads, for the backlog metrics.
  std::vector<ConsumerReads> Reads() const;

 private:
  struct Running {
    std::unique_ptr<consumers::Consumer> consumer;
    std::unique_ptr<consumers::Wakeup> wakeup;
    std::jthread thread;
  };

  std::unique_ptr<consumers::Consumer> Make(const std::string& name);
  /// The notifier's sending threads (the notifier's consumer only records deliveries).
  void StartSenders();

  const Settings& settings_;
  pg::Pool& pool_;
  std::unique_ptr<bus::JetStreamPublisher> publisher_;
  /// The notifier's senders, on a pool of their own (a connection per thread).
  std::unique_ptr<pg::Pool> sender_pool_;
  std::unique_ptr<notifier::Senders> senders_;
  std::unique_ptr<app::ObjectStore> objects_;
  std::unique_ptr<placement_files::Regenerator> regenerator_;
  std::vector<Running> running_;
};

}  // namespace nedlia::cli
