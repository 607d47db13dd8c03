#include "streams/subscriber_index.hpp"

namespace nedlia::streams {

void SubscriberIndex::Add(std::shared_ptr<Subscriber> subscriber) {
  const std::optional<domain::Uuid>& advertiser = subscriber->Identity().filter.advertiser;
  if (advertiser) {
    by_advertiser_[*advertiser].push_back(std::move(subscriber));
  } else {
    unlimited_.push_back(std::move(subscriber));
  }
}

DeliveryCount SubscriberIndex::Deliver(const std::vector<SharedEvent>& page, KeyGate& gate) {
  std::map<domain::Uuid, std::vector<const SharedEvent*>> by_advertiser;
  for (const SharedEvent& event : page) {
    if (event.advertiser_id && by_advertiser_.contains(*event.advertiser_id))
      by_advertiser[*event.advertiser_id].push_back(&event);
  }
  DeliveryCount count;
  if (!unlimited_.empty())
    OfferTo(unlimited_, Pointers(page), gate, count);
  for (const auto& [advertiser, events] : by_advertiser)
    OfferTo(by_advertiser_.at(advertiser), events, gate, count);
  return count;
}

void SubscriberIndex::OfferTo(const Group& group, const std::vector<const SharedEvent*>& events,
                              KeyGate& gate, DeliveryCount& count) {
  for (const std::shared_ptr<Subscriber>& subscriber : group) {
    if (subscriber->Finished())
      continue;
    if (!gate.Holds(*subscriber)) {
      count.revoked += subscriber->End(app::StreamClosing::kKeyRevoked) ? 1 : 0;
      continue;
    }
    const Subscriber::Offered offered = subscriber->Offer(events, Subscriber::WhenFull::kEnd);
    count.deliveries += offered.queued;
    count.too_slow += offered.too_slow ? 1 : 0;
  }
}

void SubscriberIndex::Prune() {
  const auto finished = [](const std::shared_ptr<Subscriber>& subscriber) {
    return subscriber->Finished();
  };
  std::erase_if(unlimited_, finished);
  for (auto it = by_advertiser_.begin(); it != by_advertiser_.end();) {
    std::erase_if(it->second, finished);
    it = it->second.empty() ? by_advertiser_.erase(it) : std::next(it);
  }
}

std::vector<std::shared_ptr<Subscriber>> SubscriberIndex::All() const {
  std::vector<std::shared_ptr<Subscriber>> all = unlimited_;
  for (const auto& [advertiser, group] : by_advertiser_)
    all.insert(all.end(), group.begin(), group.end());
  return all;
}

void SubscriberIndex::Clear() {
  unlimited_.clear();
  by_advertiser_.clear();
}

}  // namespace nedlia::streams
