#pragma once

#include <vector>

#include "app/ports/database.hpp"

namespace nedlia::app {

/// A page of the event feed as the caller may see it: an advertiser key reads only its own
/// advertiser's events (the video catalog's events are for admin keys).
std::vector<FeedEvent> ReadEventFeed(Transaction& tx, const Principal& caller, FeedQuery query);

}  // namespace nedlia::app
