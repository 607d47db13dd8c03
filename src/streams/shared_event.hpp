#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/event_feed.hpp"

namespace nedlia::streams {

/// Renders an event for the wire (one Server-Sent Events message), once for every subscriber.
using EventRenderer = std::function<std::string(const app::FeedEvent&)>;

/// An event as the hub hands it out: where it stands in the log, what subscribers filter it
/// by, and its rendered message, shared by every subscriber that receives it.
struct SharedEvent {
  app::LogPosition at;
  std::string type;
  std::optional<domain::Uuid> advertiser_id;
  std::shared_ptr<const std::string> message;

  std::size_t Bytes() const { return message->size(); }
};

/// Renders `events`, in order.
std::vector<SharedEvent> Share(const std::vector<app::FeedEvent>& events,
                               const EventRenderer& render);

/// Pointers to each of `events`, in order (valid while `events` is).
std::vector<const SharedEvent*> Pointers(const std::vector<SharedEvent>& events);

}  // namespace nedlia::streams
