#include "api/placement_detail_routes.hpp"

#include "api/json_writer.hpp"
#include "api/responses.hpp"
#include "app/errors.hpp"
#include "app/event_data.hpp"
#include "app/placement_detail_queries.hpp"
#include "domain/decimal.hpp"
#include "domain/time_range.hpp"

namespace nedlia::api {
namespace {

constexpr std::size_t kMaxCategory = 100;

/// A query parameter in seconds (up to 3 decimals, not negative) as milliseconds.
std::optional<std::int64_t> QuerySeconds(const http::Request& request, std::string_view name,
                                         domain::FieldErrors& errors) {
  const auto text = request.Query(name);
  if (!text)
    return std::nullopt;
  const auto ms = domain::ParseDecimal(*text, domain::kSecondsDecimals);
  if (!ms || *ms < 0) {
    errors.push_back({"/query/" + std::string(name),
                      "must be a number of seconds, at least 0, with at most 3 decimals"});
  }
  return ms;
}

app::PlacementDetailFilter FilterOf(const http::Request& request) {
  app::PlacementDetailFilter filter{.video_id = QueryId(request, "video_id"),
                                    .product_id = QueryId(request, "product_id"),
                                    .advertiser_id = QueryId(request, "advertiser_id"),
                                    .category = request.Query("category")};
  domain::FieldErrors errors;
  if (filter.category && (filter.category->empty() || filter.category->size() > kMaxCategory))
    errors.push_back({"/query/category", "must be 1 to 100 characters"});
  if (const auto status = request.Query("status")) {
    filter.status = domain::ParseStatus<domain::PlacementStatus>(*status);
    if (!filter.status) {
      errors.push_back(
          {"/query/status",
           "must be one of: " + std::string(domain::AllowedValues<domain::PlacementStatus>())});
    }
  }
  filter.overlaps_from_ms = QuerySeconds(request, "overlaps_from", errors);
  filter.overlaps_to_ms = QuerySeconds(request, "overlaps_to", errors);
  if (filter.overlaps_from_ms && filter.overlaps_to_ms &&
      *filter.overlaps_to_ms <= *filter.overlaps_from_ms) {
    errors.push_back({"/query/overlaps_to", "must be greater than overlaps_from"});
  }
  app::ThrowIfInvalid(std::move(errors));
  return filter;
}

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
        const app::PlacementDetailFilter filter = FilterOf(request);
        const app::PageRequest page = PageOf(request);
        app::Page<app::PlacementDetail> result;
        database.Read([&](app::Transaction& tx) {
          result = app::ListPlacementDetails(tx, context.principal, filter, page);
        });
        return ListReply(
            result, page, [](const app::PlacementDetail& detail) { return DetailJson(detail); },
            [](const app::PlacementDetail& detail) { return detail.id; });
      }));
}

}  // namespace nedlia::api
