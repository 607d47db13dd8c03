#include "api/event_routes.hpp"

#include <charconv>
#include <memory>

#include "api/event_stream_body.hpp"
#include "api/responses.hpp"
#include "api/sse.hpp"
#include "app/errors.hpp"
#include "app/event_queries.hpp"

namespace nedlia::api {
namespace {

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

bool IsEventType(std::string_view type) {
  return !type.empty() && type.size() <= 100 &&
         type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789._") == std::string_view::npos;
}

app::FeedQuery QueryOf(const http::Request& request) {
  app::FeedQuery query{.limit = kDefaultLimit};
  domain::FieldErrors errors;
  if (const auto after = request.Query("after")) {
    query.after = app::LogPosition::Parse(*after);
    if (!query.after)
      errors.push_back({"/query/after", "is not a position this API issued"});
  }
  if (const auto types = request.Query("type")) {
    std::string_view rest = *types;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view type = rest.substr(0, comma);
      if (IsEventType(type))
        query.types.emplace_back(type);
      else
        errors.push_back({"/query/type",
                          "must be event types separated by commas, such as "
                          "com.nedlia.placement.created.v2"});
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  if (const auto limit = request.Query("limit")) {
    const auto [end, error] =
        std::from_chars(limit->data(), limit->data() + limit->size(), query.limit);
    if (error != std::errc() || end != limit->data() + limit->size() || query.limit < 1 ||
        query.limit > kMaxLimit)
      errors.push_back({"/query/limit", "must be an integer from 1 to 1000"});
  }
  app::ThrowIfInvalid(std::move(errors));
  return query;
}

/// The stream's query: the feed's, resumed after Last-Event-ID when a reconnecting
/// EventSource sends the last id it saw.
app::FeedQuery StreamQueryOf(const http::Request& request) {
  app::FeedQuery query = QueryOf(request);
  if (const auto last = request.Header("Last-Event-ID")) {
    query.after = app::LogPosition::Parse(*last);
    if (!query.after)
      app::ThrowIfInvalid({{"/header/Last-Event-ID", "is not a position this API issued"}});
  }
  return query;
}

}  // namespace

void AddEventRoutes(http::Router& router, Authenticator& authenticator, app::Database& database,
                    app::EventStreams& streams) {
  router.Add(
      http::Method::kGet, "/v1/events",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::FeedQuery query = QueryOf(request);
        std::vector<app::FeedEvent> events;
        database.ReadLatest([&](app::Transaction& tx) {
          events = app::ReadEventFeed(tx, context.principal, query);
        });
        nlohmann::json data = nlohmann::json::array();
        for (const app::FeedEvent& event : events)
          data.push_back(StructuredEvent(event));
        // Where to continue: after the last event, or where this page started when it is empty.
        const std::optional<app::LogPosition> next =
            events.empty() ? query.after : std::optional<app::LogPosition>(events.back().at);
        nlohmann::json meta = {
            {"limit", query.limit},
            {"next_after", next ? nlohmann::json(next->ToString()) : nlohmann::json(nullptr)}};
        return Envelope(200, std::move(data), std::move(meta));
      }));
  router.Add(
      http::Method::kGet, "/v1/events/stream",
      Secured(authenticator, [&streams](http::Request& request, const app::CallContext& context) {
        auto subscription = app::OpenEventStream(streams, context, StreamQueryOf(request));
        http::Response response;
        response.SetHeader("Content-Type", "text/event-stream");
        response.SetHeader("Cache-Control", "no-cache");
        response.SetHeader("X-Accel-Buffering", "no");  // proxies: do not hold it
        response.source = std::make_shared<EventStreamBody>(std::move(subscription));
        return response;
      }));
}

}  // namespace nedlia::api
