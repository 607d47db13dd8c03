#pragma once

#include <memory>
#include <vector>

#include "app/ports/database.hpp"
#include "app/ports/event_streams.hpp"

namespace nedlia::app {

/// `query` narrowed to what `caller` may see: an advertiser key reads only its own
/// advertiser's events (the video catalog's events are for admin keys).
FeedQuery VisibleTo(const Principal& caller, FeedQuery query);

/// A page of the event feed as the caller may see it.
std::vector<FeedEvent> ReadEventFeed(Transaction& tx, const Principal& caller, FeedQuery query);

/// A live tail of the event feed as the caller may see it, from `query.after`. Throws Error
/// kTooManyRequests / kUnavailable when the caller's key / the process holds too many.
std::unique_ptr<EventSubscription> OpenEventStream(EventStreams& streams, const CallContext& caller,
                                                   FeedQuery query);

}  // namespace nedlia::app
