// The query strings of the lists and the event feed, and the positions clients send back
// (cursors, ?after, Last-Event-ID): every list's filter and page, parsed from a request whose
// query is the input's first line and whose header fields are its other lines ("Name: value").
#include "api/list_queries.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/responses.hpp"
#include "app/errors.hpp"
#include "domain/text_fields.hpp"
#include "fuzz_support.hpp"
#include "http/request.hpp"

namespace nedlia::fuzz {
namespace {

http::Request RequestOf(std::string_view text) {
  const std::size_t newline = text.find('\n');
  http::Request request =
      http::Request::For(http::Method::kGet, "/v1/list?" + std::string(text.substr(0, newline)));
  std::string_view rest = newline == std::string_view::npos ? "" : text.substr(newline + 1);
  while (!rest.empty()) {
    const std::string_view line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    std::string_view value = line.substr(colon + 1);
    while (value.starts_with(' '))
      value.remove_prefix(1);
    request.headers.push_back({std::string(line.substr(0, colon)), std::string(value)});
  }
  return request;
}

/// A parse of the request: its result, or an app::Error kInvalidInput pointing at parameters.
template <class Parse>
auto Parsed(Parse parse) {
  return ParseOr<app::Error>(parse, [](const app::Error& error) {
    Check(error.Kind() == app::ErrorKind::kInvalidInput, "a bad query is invalid input");
    Check(!error.Fields().empty(), "a bad query names its parameters");
    for (const auto& field : error.Fields()) {
      Check(field.pointer.starts_with("/query/") || field.pointer == "/header/Last-Event-ID",
            "errors point at a query parameter or at Last-Event-ID");
    }
  });
}

http::Request WithQuery(std::string query) {
  return http::Request::For(http::Method::kGet, "/v1/list?" + query);
}

void CheckPage(const http::Request& request) {
  const auto page = Parsed([&] { return api::PageOf(request); });
  if (!page)
    return;
  Check(page->limit >= 1 && page->limit <= 200, "a page holds 1 to 200 items");
  if (!page->after)
    return;
  const auto again = api::PageOf(WithQuery("cursor=" + api::EncodeCursor(*page->after)));
  Check(again.after == page->after, "a cursor round-trips");
}

void CheckFeed(const http::Request& request) {
  const auto feed = Parsed([&] { return api::FeedQueryOf(request); });
  const auto stream = Parsed([&] { return api::StreamQueryOf(request); });
  Check(!stream || feed, "the stream reads the feed's query");
  if (!feed)
    return;
  Check(feed->limit >= 1 && feed->limit <= 1000, "a feed page holds 1 to 1000 events");
  for (const std::string& type : feed->types)
    Check(!type.empty() && type.size() <= 100, "event types are 1 to 100 characters");
  if (feed->after)
    Check(app::LogPosition::Parse(feed->after->ToString()) == feed->after,
          "a log position round-trips");
  if (stream && !request.Header("Last-Event-ID"))
    Check(stream->after == feed->after, "without Last-Event-ID the stream starts after ?after");
}

void CheckIssues(const http::Request& request) {
  const auto issues = Parsed([&] { return api::IssuePageOf(request); });
  if (!issues)
    return;
  Check(issues->limit >= 1 && issues->limit <= 1000, "an issue page holds 1 to 1000 issues");
  Check(issues->after >= 0, "an issue cursor is not negative");
  const auto again = api::IssuePageOf(WithQuery("cursor=" + api::EncodeIssueCursor(issues->after)));
  Check(again.after == issues->after, "an issue cursor round-trips");
}

void CheckFilters(const http::Request& request) {
  Parsed([&] { return api::AdvertiserFilterOf(request); });
  Parsed([&] { return api::CampaignFilterOf(request); });
  Parsed([&] { return api::VideoFilterOf(request); });
  Parsed([&] { return api::PlacementFilterOf(request); });
  Parsed([&] { return api::ValidationRunFilterOf(request); });
  Parsed([&] { return api::WebhookFilterOf(request); });
  if (const auto products = Parsed([&] { return api::ProductFilterOf(request); });
      products && products->category) {
    Check(domain::ValidateText(*products->category, 100, "").empty(),
          "a product category is text of at most 100 characters");
  }
  const auto details = Parsed([&] { return api::PlacementDetailFilterOf(request); });
  if (!details)
    return;
  const auto& from = details->overlaps_from_ms;
  const auto& to = details->overlaps_to_ms;
  Check((!from || *from >= 0) && (!to || *to >= 0), "overlap bounds are not negative");
  Check(!from || !to || *to > *from, "overlaps_to comes after overlaps_from");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string_view text = AsText(data, size);
  const nedlia::http::Request request = RequestOf(text);
  CheckPage(request);
  CheckFeed(request);
  CheckIssues(request);
  CheckFilters(request);
  if (const auto position = nedlia::app::LogPosition::Parse(text))
    Check(nedlia::app::LogPosition::Parse(position->ToString()) == position,
          "a log position round-trips");
  return 0;
}
