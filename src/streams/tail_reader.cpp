#include "streams/tail_reader.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "process/pause.hpp"

namespace nedlia::streams {
namespace {

constexpr std::chrono::seconds kRetryAfterFailure{1};

}  // namespace

TailReader::TailReader(Options options, Fanout& fanout, EventRenderer render, HubMetrics& metrics)
    : options_(std::move(options)),
      fanout_(fanout),
      render_(std::move(render)),
      metrics_(metrics),
      wakeup_(options_.database_url),
      reader_(options_.database_url, options_.statement_timeout),
      thread_([this](const std::stop_token& stop) { Loop(stop); }) {}

TailReader::~TailReader() {
  thread_.request_stop();
  wakeup_.Interrupt();
  reader_.Cancel();
  thread_.join();
}

void TailReader::Loop(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    if (fanout_.Unwatched()) {
      wakeup_.Close();
      if (!fanout_.AwaitSubscribers(stop))
        return;
    }
    try {
      if (!fanout_.RingSynced())
        Resync();
      ReadToHorizon(stop);
      AwaitCommit(stop);
    } catch (const std::exception& error) {
      if (stop.stop_requested())
        return;
      spdlog::warn("the event stream tail could not read the log (retrying): {}", error.what());
      reader_.Reset();
      process::PauseFor(stop, kRetryAfterFailure);
    }
  }
}

void TailReader::Resync() {
  // Listening first: a commit numbered after the top is read then wakes the next wait.
  wakeup_.Wait(std::chrono::milliseconds(0));
  metrics_.tail_queries.Increment();
  cursor_ = reader_.Top();
  fanout_.Resync(cursor_);
}

void TailReader::ReadToHorizon(const std::stop_token& stop) {
  reader_.SequenceFinal();
  while (!stop.stop_requested()) {
    metrics_.tail_queries.Increment();
    const events::FeedPage page =
        reader_.ReadPage({.after = cursor_, .limit = options_.page_events});
    const bool full = static_cast<int>(page.events.size()) == options_.page_events;
    // A page that is not full holds every event up to its top.
    const app::LogPosition covered =
        full ? page.events.back().at
             : std::max(page.events.empty() ? cursor_ : page.events.back().at, page.top);
    fanout_.Publish(Share(page.events, render_), covered);
    cursor_ = covered;
    if (!full)
      return;
  }
}

void TailReader::AwaitCommit(const std::stop_token& stop) {
  if (wakeup_.Wait(options_.poll))
    process::PauseFor(stop, options_.coalesce);  // one read for the commits of the next few ms too
}

}  // namespace nedlia::streams
