#include "api/event_routes.hpp"

#include <charconv>
#include <chrono>
#include <thread>

#include "api/json_writer.hpp"
#include "api/responses.hpp"
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

/// The CloudEvent in structured mode: the envelope kept in metadata, plus id, type, time and
/// data from their columns, and the event's position in the log.
nlohmann::json StructuredEvent(const app::FeedEvent& event) {
  nlohmann::json json = event.metadata;
  json["specversion"] = "1.0";
  json["id"] = event.id.ToString();
  json["type"] = event.type;
  json["time"] = Rfc3339(event.created_at_ms);
  json["nedliaposition"] = event.at.ToString();
  json["data"] = event.data;
  return json;
}

/// One Server-Sent Event: the position as its id (so a reconnecting client resumes with
/// Last-Event-ID), the type as its event name, the CloudEvent as its data (one line of JSON).
std::string SseMessage(const app::FeedEvent& event) {
  return "id: " + event.at.ToString() + "\nevent: " + event.type +
         "\ndata: " + StructuredEvent(event).dump() + "\n\n";
}

/// The live tail: what the feed has after the cursor, then new events as they commit, until
/// the client leaves or the server stops. A comment line every 15 s keeps proxies (and our
/// own check that the client is still there) going.
void Tail(http::StreamWriter& writer, app::Database& database, const app::Principal& caller,
          app::FeedQuery query) {
  using Clock = std::chrono::steady_clock;
  constexpr auto kPoll = std::chrono::milliseconds(250);
  constexpr auto kKeepAlive = std::chrono::seconds(15);
  auto last_write = Clock::now();
  if (!writer.Write(": nedlia event stream\n\n"))
    return;
  while (true) {
    std::vector<app::FeedEvent> events;
    database.ReadLatest(
        [&](app::Transaction& tx) { events = app::ReadEventFeed(tx, caller, query); });
    for (const app::FeedEvent& event : events) {
      if (!writer.Write(SseMessage(event)))
        return;
      query.after = event.at;
      last_write = Clock::now();
    }
    if (!events.empty() && static_cast<int>(events.size()) == query.limit)
      continue;  // more is waiting
    if (Clock::now() - last_write >= kKeepAlive) {
      if (!writer.Write(": keep-alive\n\n"))
        return;
      last_write = Clock::now();
    }
    if (!writer.Write(""))  // the server is stopping
      return;
    std::this_thread::sleep_for(kPoll);
  }
}

}  // namespace

void AddEventRoutes(http::Router& router, Authenticator& authenticator, app::Database& database) {
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
      Secured(authenticator, [&database](http::Request& request, const app::CallContext& context) {
        app::FeedQuery query = QueryOf(request);
        // A reconnecting EventSource sends the last id it saw.
        if (const auto last = request.Header("Last-Event-ID")) {
          query.after = app::LogPosition::Parse(*last);
          if (!query.after)
            app::ThrowIfInvalid({{"/header/Last-Event-ID", "is not a position this API issued"}});
        }
        http::Response response;
        response.SetHeader("Content-Type", "text/event-stream");
        response.SetHeader("Cache-Control", "no-cache");
        response.stream = [&database, caller = context.principal, query](http::StreamWriter& out) {
          Tail(out, database, caller, query);
        };
        return response;
      }));
}

}  // namespace nedlia::api
