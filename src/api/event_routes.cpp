#include "api/event_routes.hpp"

#include <memory>

#include "api/event_stream_body.hpp"
#include "api/list_queries.hpp"
#include "api/responses.hpp"
#include "api/sse.hpp"
#include "app/errors.hpp"
#include "app/event_queries.hpp"

namespace nedlia::api {
void AddEventRoutes(http::Router& router, Authenticator& authenticator, app::Database& database,
                    app::EventStreams& streams) {
  router.Add(
      http::Method::kGet, "/v1/events",
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        const app::FeedQuery query = FeedQueryOf(request);
        const std::vector<app::FeedEvent> events = database.ReadLatest(
            [&](app::Transaction& tx) { return app::ReadEventFeed(tx, context.principal, query); });
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
