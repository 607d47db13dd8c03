#include "streams/shared_event.hpp"

namespace nedlia::streams {

std::vector<SharedEvent> Share(const std::vector<app::FeedEvent>& events,
                               const EventRenderer& render) {
  std::vector<SharedEvent> shared;
  shared.reserve(events.size());
  for (const app::FeedEvent& event : events) {
    shared.push_back({.at = event.at,
                      .type = event.type,
                      .advertiser_id = event.advertiser_id,
                      .message = std::make_shared<const std::string>(render(event))});
  }
  return shared;
}

std::vector<const SharedEvent*> Pointers(const std::vector<SharedEvent>& events) {
  std::vector<const SharedEvent*> pointers;
  pointers.reserve(events.size());
  for (const SharedEvent& event : events)
    pointers.push_back(&event);
  return pointers;
}

}  // namespace nedlia::streams
