#include "streams/catch_up_reader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "process/pause.hpp"

namespace nedlia::streams {
namespace {

constexpr std::chrono::seconds kRetryAfterFailure{1};

}  // namespace

CatchUpReader::CatchUpReader(Options options, Fanout& fanout, EventRenderer render,
                             HubMetrics& metrics)
    : options_(std::move(options)),
      fanout_(fanout),
      render_(std::move(render)),
      metrics_(metrics),
      reader_(options_.database_url, options_.statement_timeout),
      thread_([this](const std::stop_token& stop) { Loop(stop); }) {}

CatchUpReader::~CatchUpReader() {
  thread_.request_stop();
  reader_.Cancel();
  thread_.join();
}

void CatchUpReader::Loop(const std::stop_token& stop) {
  while (true) {
    std::shared_ptr<Subscriber> next = fanout_.NextToCatchUp(stop);
    if (!next)
      return;
    try {
      fanout_.DeliverCatchUp(next, Read(*next));
    } catch (const std::exception& error) {
      fanout_.Requeue(std::move(next));
      if (stop.stop_requested())
        return;
      spdlog::warn("an event stream could not catch up (retrying): {}", error.what());
      reader_.Reset();
      process::PauseFor(stop, kRetryAfterFailure);
    }
  }
}

CatchUpPage CatchUpReader::Read(const Subscriber& subscriber) {
  const SubscriberFilter& filter = subscriber.Identity().filter;
  const app::LogPosition after = subscriber.Cursor();
  metrics_.catch_up_queries.Increment();
  const events::FeedPage page = reader_.ReadPage({.after = after,
                                                  .types = filter.types,
                                                  .advertiser = filter.advertiser,
                                                  .limit = options_.page_events});
  CatchUpPage result{.after = after, .events = {}, .proven = std::nullopt};
  std::size_t bytes = 0;
  for (const app::FeedEvent& event : page.events) {
    std::string message = render_(event);
    if (!result.events.empty() && bytes + message.size() > options_.page_bytes)
      break;
    bytes += message.size();
    result.events.push_back({.at = event.at,
                             .type = event.type,
                             .advertiser_id = event.advertiser_id,
                             .message = std::make_shared<const std::string>(std::move(message))});
  }
  const bool whole = result.events.size() == page.events.size() &&
                     static_cast<int>(page.events.size()) < options_.page_events;
  if (whole) {
    // The top is past every event read (one snapshot), and numbered even when a client's
    // cursor was not.
    result.proven = page.top;
  }
  return result;
}

}  // namespace nedlia::streams
