#pragma once

#include <cstdint>
#include <string>

#include "app/ports/advertiser_store.hpp"
#include "app/ports/campaign_store.hpp"
#include "app/ports/event_feed.hpp"
#include "app/ports/placement_detail_store.hpp"
#include "app/ports/placement_store.hpp"
#include "app/ports/product_store.hpp"
#include "app/ports/validation_run_store.hpp"
#include "app/ports/video_store.hpp"
#include "app/ports/webhook_store.hpp"
#include "http/request.hpp"

namespace nedlia::api {

// What the lists read from their query strings (and the event stream from Last-Event-ID):
// pure functions of the request, each throwing app::Error kInvalidInput with the pointer of
// every malformed parameter ("/query/status", "/header/Last-Event-ID"). The page itself
// (?limit, ?cursor) is PageOf, in responses.hpp.

/// GET /v1/advertisers: ?status.
app::AdvertiserFilter AdvertiserFilterOf(const http::Request& request);
/// GET /v1/campaigns: ?advertiser_id, ?status.
app::CampaignFilter CampaignFilterOf(const http::Request& request);
/// GET /v1/products: ?advertiser_id, ?category (text of at most 100 characters).
app::ProductFilter ProductFilterOf(const http::Request& request);
/// GET /v1/videos: ?status.
app::VideoFilter VideoFilterOf(const http::Request& request);
/// GET /v1/placements: ?video_id, ?product_id, ?advertiser_id, ?status.
app::PlacementFilter PlacementFilterOf(const http::Request& request);
/// GET /v1/placement-details: those of the placements, ?category, and ?overlaps_from and
/// ?overlaps_to (seconds, at least 0, up to 3 decimals; to after from).
app::PlacementDetailFilter PlacementDetailFilterOf(const http::Request& request);
/// GET /v1/validation-runs: ?video_id, ?status.
app::ValidationRunFilter ValidationRunFilterOf(const http::Request& request);
/// GET /v1/videos/{id}/validations: ?status (the video comes from the path).
std::optional<domain::ValidationRunStatus> ValidationRunStatusOf(const http::Request& request);
/// GET /v1/webhooks: ?advertiser_id.
app::WebhookFilter WebhookFilterOf(const http::Request& request);

/// GET /v1/events: ?after (a log position this API issued), ?type (event types separated by
/// commas), ?limit (1..1000, default 100).
app::FeedQuery FeedQueryOf(const http::Request& request);
/// GET /v1/events/stream: the feed's query, resumed after Last-Event-ID when a reconnecting
/// EventSource sends the last id it saw.
app::FeedQuery StreamQueryOf(const http::Request& request);

/// A page of a validation run's issues.
struct IssuePageRequest {
  int limit = 100;
  std::int64_t after = 0;  ///< the issues after this one (0: from the first)
};
/// GET /v1/validations/{id}/issues: ?limit (1..1000, default 100), ?cursor (EncodeIssueCursor).
IssuePageRequest IssuePageOf(const http::Request& request);
/// The cursor of the page of issues after issue `after`.
std::string EncodeIssueCursor(std::int64_t after);

}  // namespace nedlia::api
