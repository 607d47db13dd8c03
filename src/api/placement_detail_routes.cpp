#include "api/placement_detail_routes.hpp"

#include "api/json_writer.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "app/errors.hpp"
#include "app/event_data.hpp"
#include "app/placement_detail_queries.hpp"
#include "domain/decimal.hpp"
#include "domain/time_range.hpp"

namespace nedlia::api {
namespace {

nlohmann::json DetailJson(const app::PlacementDetail& detail) {
  return {{"id", detail.id.ToString()},
          {"video_id", detail.video_id.ToString()},
          {"video_title", detail.video_title},
          {"product_id", detail.product_id.ToString()},
          {"product_name", detail.product_name},
          {"product_category", OrNull(detail.product_category)},
          {"advertiser_id", detail.advertiser_id.ToString()},
          {"advertiser_name", detail.advertiser_name},
          {"time_range", app::TimeRangeData(detail.time_range)},
          {"description", OrNull(detail.description)},
          {"status", domain::ToString(detail.status)},
          {"file_url", OrNull(detail.file_url)},
          {"created_at", Rfc3339(detail.created_at)},
          {"projected_at", Rfc3339(detail.projected_at)}};
}

}  // namespace

void AddPlacementDetailRoutes(http::Router& router, Authenticator& authenticator,
                              app::Database& database) {
  router.Add(
      http::Method::kGet, "/v1/placement-details",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::PlacementDetailFilter filter = PlacementDetailFilterOf(request);
        const app::PageRequest page = PageOf(request);
        const app::Page<app::PlacementDetail> result = database.Read([&](app::Transaction& tx) {
          return app::ListPlacementDetails(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page, [](const app::PlacementDetail& detail) { return DetailJson(detail); },
            [](const app::PlacementDetail& detail) { return detail.id; });
      }));
}

}  // namespace nedlia::api
