#pragma once

#include <string>
#include <unordered_map>

#include "app/api_key_cache.hpp"
#include "streams/subscriber.hpp"

namespace nedlia::streams {

/// Whether a subscriber's API key still holds, from the key cache (never the database), asked
/// once per key for one round of deliveries.
class KeyGate {
 public:
  explicit KeyGate(const app::ApiKeyCache& keys) : keys_(keys) {}

  /// False once the cache knows the key revoked (or its advertiser deleted), or standing for
  /// another principal than the one that subscribed. A key whose entry merely expired still
  /// holds: the hub's tick asks the database again.
  bool Holds(const Subscriber& subscriber);

 private:
  const app::ApiKeyCache& keys_;
  std::unordered_map<std::string, bool> verdicts_;  ///< by key hash
};

}  // namespace nedlia::streams
