#include "api/list_queries.hpp"

#include <charconv>
#include <limits>

#include "api/responses.hpp"
#include "app/errors.hpp"
#include "domain/decimal.hpp"
#include "domain/statuses.hpp"
#include "domain/text_fields.hpp"
#include "domain/time_range.hpp"

namespace nedlia::api {
namespace {

constexpr std::size_t kMaxCategory = 100;
constexpr int kDefaultEvents = 100;
constexpr int kMaxEvents = 1000;
constexpr int kDefaultIssues = 100;
constexpr int kMaxIssues = 1000;
constexpr std::string_view kIssueCursorPrefix = "i1.";

/// ?status, one of the statuses of `Status`; a bad one is recorded in `errors`.
template <typename Status>
std::optional<Status> StatusOf(const http::Request& request, domain::FieldErrors& errors) {
  const auto text = request.Query("status");
  if (!text)
    return std::nullopt;
  std::optional<Status> status = domain::ParseStatus<Status>(*text);
  if (!status) {
    errors.push_back(
        {"/query/status", "must be one of: " + std::string(domain::AllowedValues<Status>())});
  }
  return status;
}

/// The same, throwing at once.
template <typename Status>
std::optional<Status> StatusOf(const http::Request& request) {
  domain::FieldErrors errors;
  std::optional<Status> status = StatusOf<Status>(request, errors);
  app::ThrowIfInvalid(std::move(errors));
  return status;
}

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

/// One integer query parameter, after `prefix`, within [low, high]; `fallback` when absent.
std::int64_t IntegerQuery(const http::Request& request, std::string_view name,
                          std::string_view prefix, std::int64_t fallback, std::int64_t low,
                          std::int64_t high, const std::string& rule, domain::FieldErrors& errors) {
  const auto text = request.Query(name);
  if (!text)
    return fallback;
  std::int64_t value = 0;
  const std::string_view digits =
      text->starts_with(prefix) ? std::string_view(*text).substr(prefix.size()) : "";
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
      value < low || value > high) {
    errors.push_back({"/query/" + std::string(name), rule});
  }
  return value;
}

bool IsEventType(std::string_view type) {
  return !type.empty() && type.size() <= 100 &&
         type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._") == std::string_view::npos;
}

std::vector<std::string> EventTypesOf(std::string_view list, domain::FieldErrors& errors) {
  std::vector<std::string> types;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view type = list.substr(0, comma);
    if (IsEventType(type)) {
      types.emplace_back(type);
    } else {
      errors.push_back({"/query/type",
                        "must be event types separated by commas, such as "
                        "com.nedlia.placement.created.v2"});
    }
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return types;
}

/// "0" is where integrators start a feed by habit (and where a fresh client's Last-Event-ID
/// counter stands): the log's start, as no position at all is.
constexpr std::string_view kLogStart = "0";

/// A position a client sent back: one this API issued, or the log's start (none).
std::optional<app::LogPosition> PositionOf(std::string_view text, const char* pointer,
                                           domain::FieldErrors& errors) {
  if (text == kLogStart)
    return std::nullopt;
  std::optional<app::LogPosition> position = app::LogPosition::Parse(text);
  if (!position)
    errors.push_back({pointer, "is not a position this API issued, nor 0 (the start)"});
  return position;
}

}  // namespace

app::AdvertiserFilter AdvertiserFilterOf(const http::Request& request) {
  return {.status = StatusOf<domain::AdvertiserStatus>(request)};
}

app::CampaignFilter CampaignFilterOf(const http::Request& request) {
  app::CampaignFilter filter{.advertiser_id = QueryId(request, "advertiser_id")};
  filter.status = StatusOf<domain::CampaignStatus>(request);
  return filter;
}

app::ProductFilter ProductFilterOf(const http::Request& request) {
  app::ProductFilter filter{.advertiser_id = QueryId(request, "advertiser_id"),
                            .category = request.Query("category")};
  if (filter.category) {
    // The value is bound as text: malformed UTF-8 must be refused here, not by the database.
    app::ThrowIfInvalid(domain::ValidateText(*filter.category, kMaxCategory, "/query/category"));
  }
  return filter;
}

app::VideoFilter VideoFilterOf(const http::Request& request) {
  return {.status = StatusOf<domain::VideoStatus>(request)};
}

app::PlacementFilter PlacementFilterOf(const http::Request& request) {
  app::PlacementFilter filter{.video_id = QueryId(request, "video_id"),
                              .product_id = QueryId(request, "product_id"),
                              .advertiser_id = QueryId(request, "advertiser_id")};
  filter.status = StatusOf<domain::PlacementStatus>(request);
  return filter;
}

app::PlacementDetailFilter PlacementDetailFilterOf(const http::Request& request) {
  app::PlacementDetailFilter filter{.video_id = QueryId(request, "video_id"),
                                    .product_id = QueryId(request, "product_id"),
                                    .advertiser_id = QueryId(request, "advertiser_id"),
                                    .category = request.Query("category")};
  domain::FieldErrors errors;
  if (filter.category && (filter.category->empty() || filter.category->size() > kMaxCategory))
    errors.push_back({"/query/category", "must be 1 to 100 characters"});
  filter.status = StatusOf<domain::PlacementStatus>(request, errors);
  filter.overlaps_from_ms = QuerySeconds(request, "overlaps_from", errors);
  filter.overlaps_to_ms = QuerySeconds(request, "overlaps_to", errors);
  if (filter.overlaps_from_ms && filter.overlaps_to_ms &&
      *filter.overlaps_to_ms <= *filter.overlaps_from_ms) {
    errors.push_back({"/query/overlaps_to", "must be greater than overlaps_from"});
  }
  app::ThrowIfInvalid(std::move(errors));
  return filter;
}

app::ValidationRunFilter ValidationRunFilterOf(const http::Request& request) {
  return {.video_id = QueryId(request, "video_id"), .status = ValidationRunStatusOf(request)};
}

std::optional<domain::ValidationRunStatus> ValidationRunStatusOf(const http::Request& request) {
  return StatusOf<domain::ValidationRunStatus>(request);
}

app::WebhookFilter WebhookFilterOf(const http::Request& request) {
  return {.advertiser_id = QueryId(request, "advertiser_id")};
}

app::FeedQuery FeedQueryOf(const http::Request& request) {
  app::FeedQuery query{.limit = kDefaultEvents};
  domain::FieldErrors errors;
  if (const auto after = request.Query("after"))
    query.after = PositionOf(*after, "/query/after", errors);
  if (const auto types = request.Query("type"))
    query.types = EventTypesOf(*types, errors);
  query.limit = static_cast<int>(IntegerQuery(request, "limit", "", kDefaultEvents, 1, kMaxEvents,
                                              "must be an integer from 1 to 1000", errors));
  app::ThrowIfInvalid(std::move(errors));
  return query;
}

app::FeedQuery StreamQueryOf(const http::Request& request) {
  app::FeedQuery query = FeedQueryOf(request);
  if (const auto last = request.Header("Last-Event-ID")) {
    domain::FieldErrors errors;
    query.after = PositionOf(*last, "/header/Last-Event-ID", errors);
    app::ThrowIfInvalid(std::move(errors));
  }
  return query;
}

IssuePageRequest IssuePageOf(const http::Request& request) {
  domain::FieldErrors errors;
  IssuePageRequest page;
  page.limit = static_cast<int>(IntegerQuery(request, "limit", "", kDefaultIssues, 1, kMaxIssues,
                                             "must be an integer from 1 to 1000", errors));
  page.after = IntegerQuery(request, "cursor", kIssueCursorPrefix, 0, 0,
                            std::numeric_limits<std::int64_t>::max(),
                            "is not a cursor this API issued", errors);
  app::ThrowIfInvalid(std::move(errors));
  return page;
}

std::string EncodeIssueCursor(std::int64_t after) {
  return std::string(kIssueCursorPrefix) + std::to_string(after);
}

}  // namespace nedlia::api
