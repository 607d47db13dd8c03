#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <vector>

#include "streams/key_gate.hpp"
#include "streams/subscriber.hpp"

namespace nedlia::streams {

/// What one round of live deliveries did.
struct DeliveryCount {
  std::size_t deliveries = 0;  ///< events queued, one per subscriber
  std::size_t too_slow = 0;    ///< subscribers ended because their queue was full
  std::size_t revoked = 0;     ///< subscribers ended because their key no longer holds
};

/// The live subscribers, indexed by the advertiser they are limited to: an event is offered to
/// the unlimited subscribers (admin keys) and to its own advertiser's, so a round costs the
/// deliveries it makes, not subscribers times events. Not thread-safe: the hub locks.
class SubscriberIndex {
 public:
  void Add(std::shared_ptr<Subscriber> subscriber);
  /// Offers `page` (in log order) to every subscriber that may see some of it, after checking
  /// its key at `gate`; those whose key no longer holds, or whose queue overflows, are ended.
  DeliveryCount Deliver(const std::vector<SharedEvent>& page, KeyGate& gate);
  /// Forgets the subscribers that ended or left.
  void Prune();
  /// Every subscriber held (finished ones included until the next Prune).
  std::vector<std::shared_ptr<Subscriber>> All() const;
  void Clear();

 private:
  using Group = std::vector<std::shared_ptr<Subscriber>>;

  static void OfferTo(const Group& group, const std::vector<const SharedEvent*>& events,
                      KeyGate& gate, DeliveryCount& count);

  Group unlimited_;
  std::map<domain::Uuid, Group> by_advertiser_;
};

}  // namespace nedlia::streams
