#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/api_key_cache.hpp"
#include "app/ports/event_streams.hpp"
#include "metrics/registry.hpp"
#include "pg/pool.hpp"
#include "repositories/pg_database.hpp"
#include "streams/event_hub.hpp"
#include "support/body_driver.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {

/// The event type the harness appends (the hub streams any type; the catalog is not asked).
inline constexpr const char* kStreamTestType = "com.nedlia.test.streamed.v1";

/// An API key made for a test: its secret, the hash the cache keys it by, its principal.
struct TestKey {
  std::string secret;
  std::string hash;
  app::Principal principal;
};

/// What a stream asks for, in the hub's terms.
struct StreamFilter {
  std::optional<app::LogPosition> after;
  std::vector<std::string> types;
};

/// An event hub over a fresh migrated database, with its own metrics registry (so that counts
/// are this hub's alone), its key cache, and helpers to write events and read streams the way
/// the server will: through api::EventStreamBody driven by a BodyDriver.
class EventHubHarness {
 public:
  EventHubHarness();
  ~EventHubHarness();
  EventHubHarness(const EventHubHarness&) = delete;
  EventHubHarness& operator=(const EventHubHarness&) = delete;

  /// (Re)makes the hub with `options` (its URL is filled in) and a key cache trusting found
  /// keys for `key_ttl`.
  void Start(streams::EventHubOptions options = {},
             std::chrono::milliseconds key_ttl = std::chrono::seconds(5));
  /// Destroys the hub (what it takes is measured by the caller).
  void StopHub();

  /// A new key: an admin one, or one of `advertiser`'s.
  TestKey NewKey(const std::optional<std::string>& advertiser = std::nullopt);
  /// A new live advertiser; returns its id.
  std::string NewAdvertiser(const std::string& name);
  /// A stream for `key`, as the API opens it (the app's tenancy rule applied).
  std::unique_ptr<BodyDriver> Open(const TestKey& key, const StreamFilter& filter = {});
  /// The same, without the driver: throws what Subscribe throws.
  std::unique_ptr<app::EventSubscription> Subscribe(const TestKey& key,
                                                    const StreamFilter& filter = {});

  /// Appends `count` events in one transaction (of `advertiser`, or none; of `type`), each
  /// with about `padding` bytes of data, then notifies the commit channel.
  void Append(int count, const std::optional<std::string>& advertiser = std::nullopt,
              const std::string& type = kStreamTestType, int padding = 0);
  /// The positions ("<xid>-<position>") of the final events that `key` with `filter` may see,
  /// in log order, once there are at least `at_least` of them (waits up to 30 s).
  std::vector<std::string> FinalLog(std::size_t at_least, const TestKey& key,
                                    const StreamFilter& filter = {});
  /// The position of the last final event now (waits until `at_least` events are final).
  app::LogPosition LastFinal(std::size_t at_least);

  /// A counter of the hub's registry (created at 0 if the hub never touched it).
  std::uint64_t Counter(const std::string& name, const std::string& labels = "");
  pg::Connection& Sql() { return sql_; }
  const TestDatabase& Database() const { return database_; }

 private:
  TestDatabase database_;
  metrics::Registry registry_;
  pg::Pool pool_;
  repositories::PgDatabase store_;
  pg::Connection sql_;
  std::unique_ptr<app::ApiKeyCache> keys_;
  std::unique_ptr<streams::EventHub> hub_;
};

/// The ids of the Server-Sent Events in `text`, in order.
std::vector<std::string> SseIds(const std::string& text);

}  // namespace nedlia::testing
