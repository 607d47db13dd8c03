#include "app/api_key_cache.hpp"

#include "app/api_keys.hpp"
#include "app/errors.hpp"
#include "process/fiber.hpp"

namespace nedlia::app {

ApiKeyCache::ApiKeyCache(Database& database, ApiKeyCacheOptions options,
                         metrics::Registry& registry)
    : database_(database),
      options_(std::move(options)),
      lookups_(registry.GetCounter("nedlia_api_key_lookups_total",
                                   "API keys looked up in the database one by one.")),
      revalidations_(registry.GetCounter(
          "nedlia_api_key_revalidation_queries_total",
          "Queries that looked up again, together, the keys of open event streams.")),
      unknown_hits_(
          registry.GetCounter("nedlia_api_key_negative_cache_hits_total",
                              "Requests refused from the cache of unknown keys, without a query.")),
      shed_(registry.GetCounter("nedlia_api_key_lookups_shed_total",
                                "Requests answered 503 because too many unknown keys were being "
                                "looked up at once.")),
      known_(options_.max_known),
      unknown_(options_.max_unknown) {}

std::optional<Principal> ApiKeyCache::Lookup(const std::string& hash) {
  std::unique_lock lock(mutex_);
  if (const Cached answer = AwaitFlight(lock, hash)) {
    if (!*answer)
      unknown_hits_.Increment();
    return *answer;
  }
  const bool known = known_.Find(hash) != nullptr;
  if (!known && unknown_lookups_ >= options_.max_unknown_lookups) {
    // A flood of made-up keys would otherwise hold the shared pool: it costs one 503 each.
    shed_.Increment();
    throw Error(ErrorKind::kUnavailable, "too many API keys are being checked at once; retry");
  }
  return Fly(lock, hash, known);
}

KeyCheck ApiKeyCache::Check(const std::string& hash) const {
  const std::lock_guard lock(mutex_);
  const Clock::time_point now = options_.now();
  if (const auto* known = known_.Find(hash)) {
    return {.standing = known->expires > now ? KeyStanding::kValid : KeyStanding::kExpired,
            .principal = known->value};
  }
  const auto* unknown = unknown_.Find(hash);
  if (unknown != nullptr && unknown->expires > now)
    return {.standing = KeyStanding::kRevoked, .principal = std::nullopt};
  return {};
}

void ApiKeyCache::Revalidate(const std::vector<std::string>& hashes) {
  std::set<std::string> stale;
  for (const std::string& hash : hashes) {
    const KeyStanding standing = Check(hash).standing;
    if (standing == KeyStanding::kExpired || standing == KeyStanding::kUnknown)
      stale.insert(hash);
  }
  if (stale.empty())
    return;
  revalidations_.Increment();
  const std::vector<std::string> asked(stale.begin(), stale.end());
  const std::vector<ActiveKey> found =
      database_.ReadLatest([&](Transaction& tx) { return tx.ApiKeys().FindActiveAmong(asked); });
  const std::lock_guard lock(mutex_);
  const Clock::time_point now = options_.now();
  for (const ActiveKey& key : found) {
    Remember(key.secret_hash, PrincipalOf(key.record), now);
    stale.erase(key.secret_hash);
  }
  for (const std::string& gone : stale)
    Remember(gone, std::nullopt, now);
}

void ApiKeyCache::Refresh() {
  std::vector<ActiveKey> active;
  database_.ReadLatest(
      [&](Transaction& tx) { active = tx.ApiKeys().ListActive(options_.max_known); });
  std::set<std::string> seen;
  const std::lock_guard lock(mutex_);
  const Clock::time_point now = options_.now();
  for (const ActiveKey& key : active) {
    Remember(key.secret_hash, PrincipalOf(key.record), now);
    seen.insert(key.secret_hash);
  }
  for (const std::string& hash : known_.Keys()) {
    if (!seen.contains(hash))
      Remember(hash, std::nullopt, now);  // revoked, or its advertiser deleted
  }
}

ApiKeyCache::Cached ApiKeyCache::FreshAnswer(const std::string& hash, Clock::time_point now) const {
  if (const auto* known = known_.Find(hash); known != nullptr && known->expires > now)
    return Cached(known->value);
  if (const auto* unknown = unknown_.Find(hash); unknown != nullptr && unknown->expires > now)
    return Cached(std::optional<Principal>());
  return std::nullopt;
}

ApiKeyCache::Cached ApiKeyCache::AwaitFlight(std::unique_lock<std::mutex>& lock,
                                             const std::string& hash) {
  while (true) {
    if (Cached answer = FreshAnswer(hash, options_.now()))
      return answer;
    if (!in_flight_.contains(hash))
      return std::nullopt;
    if (process::OnEventLoop()) {
      // Waiting for another request's lookup would block the loop: wait on a thread instead.
      lock.unlock();
      process::LeaveEventLoop();
      lock.lock();
      continue;
    }
    settled_.wait(lock);
  }
}

std::optional<Principal> ApiKeyCache::Fly(std::unique_lock<std::mutex>& lock,
                                          const std::string& hash, bool known) {
  in_flight_.insert(hash);
  unknown_lookups_ += known ? 0 : 1;
  lock.unlock();
  std::optional<Principal> principal;
  try {
    lookups_.Increment();
    const std::optional<ApiKeyRecord> key =
        database_.ReadLatest([&](Transaction& tx) { return tx.ApiKeys().FindActive(hash); });
    if (key)
      principal = PrincipalOf(*key);
  } catch (...) {
    lock.lock();
    Land(hash, known);
    throw;
  }
  lock.lock();
  Remember(hash, principal, options_.now());
  Land(hash, known);
  return principal;
}

void ApiKeyCache::Land(const std::string& hash, bool known) {
  in_flight_.erase(hash);
  unknown_lookups_ -= known ? 0 : 1;
  settled_.notify_all();
}

void ApiKeyCache::Remember(const std::string& hash, const std::optional<Principal>& principal,
                           Clock::time_point now) {
  if (principal) {
    unknown_.Erase(hash);
    known_.Put(hash, *principal, now + options_.ttl);
  } else {
    known_.Erase(hash);
    unknown_.Put(hash, true, now + options_.unknown_ttl);
  }
}

}  // namespace nedlia::app
