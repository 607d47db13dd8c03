#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/expiring_map.hpp"
#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "metrics/registry.hpp"

namespace nedlia::app {

/// How long the key cache trusts what it learnt, how much it keeps, and how much database work
/// keys it does not know may cause.
struct ApiKeyCacheOptions {
  using Clock = std::chrono::steady_clock;

  /// How long a found key is trusted: revoking a key (or deleting its advertiser) takes effect
  /// within this time.
  std::chrono::milliseconds ttl{5000};
  /// How long a key the database does not know is refused without asking again.
  std::chrono::milliseconds unknown_ttl{3000};
  std::size_t max_known = 10'000;    ///< found keys remembered (real keys are few)
  std::size_t max_unknown = 10'000;  ///< unknown keys remembered; the oldest are forgotten first
  /// Lookups of keys not found before that may be at the database at once; one more is shed
  /// with kUnavailable. Keys found before are never shed, so a flood of made-up keys cannot
  /// lock real clients out.
  int max_unknown_lookups = 2;
  std::function<Clock::time_point()> now = Clock::now;  ///< injectable for tests
};

/// What the cache knows of a key now, without asking the database.
enum class KeyStanding {
  kValid,    ///< found within the TTL
  kExpired,  ///< found once, but longer ago than the TTL: ask again
  kRevoked,  ///< the last lookup did not find it (unknown, revoked, or its advertiser deleted)
  kUnknown,  ///< never looked up (or forgotten)
};

/// A key's standing and, while it has one, the principal it stands for.
struct KeyCheck {
  KeyStanding standing = KeyStanding::kUnknown;
  std::optional<Principal> principal;
};

/// API keys by the hash of their secret, looked up in the database and remembered: found keys
/// for the TTL, unknown ones for a shorter time and apart from the found ones, so that random
/// keys only ever push out other random keys. Concurrent lookups of one key share one query.
/// Thread-safe.
class ApiKeyCache {
 public:
  ApiKeyCache(Database& database, ApiKeyCacheOptions options, metrics::Registry& registry);
  ApiKeyCache(const ApiKeyCache&) = delete;
  ApiKeyCache& operator=(const ApiKeyCache&) = delete;
  ApiKeyCache(ApiKeyCache&&) = delete;
  ApiKeyCache& operator=(ApiKeyCache&&) = delete;
  ~ApiKeyCache() = default;

  /// The principal of the key whose secret hashes to `hash`; nullopt when it is unknown or
  /// revoked. Throws Error kUnavailable when too many unknown keys are being looked up already,
  /// or when the database cannot answer.
  std::optional<Principal> Lookup(const std::string& hash);
  /// What is known of `hash` now; never queries.
  KeyCheck Check(const std::string& hash) const;
  /// Looks up again, in one query, those of `hashes` that are not kValid now (how long-lived
  /// streams notice a revoked key within the TTL). Throws what the database throws.
  void Revalidate(const std::vector<std::string>& hashes);
  /// Learns every active key in one query (up to max_known), and forgets as revoked the known
  /// ones that are no longer active. Run at start and then every TTL, it makes every real key
  /// known, so that only keys younger than the TTL, or made up, are ever looked up one by one
  /// (and shed in a flood), and a revocation is seen within the TTL. Throws what the database
  /// throws.
  void Refresh();

 private:
  using Clock = ApiKeyCacheOptions::Clock;
  /// What the cache answers without the database: a principal, "no such key", or nothing.
  using Cached = std::optional<std::optional<Principal>>;

  Cached FreshAnswer(const std::string& hash, Clock::time_point now) const;
  /// Waits while another thread looks `hash` up; then the cached answer, if any.
  Cached AwaitFlight(std::unique_lock<std::mutex>& lock, const std::string& hash);
  /// Asks the database about `hash`, as one flight that others looking it up wait for.
  std::optional<Principal> Fly(std::unique_lock<std::mutex>& lock, const std::string& hash,
                               bool known);
  void Land(const std::string& hash, bool known);
  void Remember(const std::string& hash, const std::optional<Principal>& principal,
                Clock::time_point now);

  Database& database_;
  ApiKeyCacheOptions options_;
  metrics::Counter& lookups_;
  metrics::Counter& revalidations_;
  metrics::Counter& unknown_hits_;
  metrics::Counter& shed_;

  mutable std::mutex mutex_;
  std::condition_variable settled_;  ///< a lookup ended
  ExpiringMap<Principal> known_;
  ExpiringMap<bool> unknown_;
  std::set<std::string> in_flight_;  ///< hashes being looked up now
  int unknown_lookups_ = 0;          ///< of them, keys not found before
};

}  // namespace nedlia::app
