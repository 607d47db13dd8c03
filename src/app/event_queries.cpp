#include "app/event_queries.hpp"

namespace nedlia::app {

FeedQuery VisibleTo(const Principal& caller, FeedQuery query) {
  if (!caller.IsAdmin())
    query.advertiser = caller.advertiser_id;
  return query;
}

std::vector<FeedEvent> ReadEventFeed(Transaction& tx, const Principal& caller, FeedQuery query) {
  return tx.Events().Read(VisibleTo(caller, std::move(query)));
}

std::unique_ptr<EventSubscription> OpenEventStream(EventStreams& streams, const CallContext& caller,
                                                   FeedQuery query) {
  return streams.Subscribe({.caller = caller.principal,
                            .key_hash = caller.key_hash,
                            .query = VisibleTo(caller.principal, std::move(query))});
}

}  // namespace nedlia::app
