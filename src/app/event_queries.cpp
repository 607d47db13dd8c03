#include "app/event_queries.hpp"

namespace nedlia::app {

std::vector<FeedEvent> ReadEventFeed(Transaction& tx, const Principal& caller, FeedQuery query) {
  if (!caller.IsAdmin())
    query.advertiser = caller.advertiser_id;
  return tx.Events().Read(query);
}

}  // namespace nedlia::app
