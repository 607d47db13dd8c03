#include "api/event_stream_body.hpp"

#include "api/sse.hpp"

namespace nedlia::api {
namespace {

std::string Farewell(app::StreamClosing why) {
  switch (why) {
    case app::StreamClosing::kTooSlow:
      return SseComment("nedlia: too slow, reconnect with Last-Event-ID");
    case app::StreamClosing::kKeyRevoked:
      return SseComment("nedlia: the API key was revoked");
    case app::StreamClosing::kLifetimeOver:
      return SseComment("nedlia: stream lifetime reached, reconnect with Last-Event-ID");
    case app::StreamClosing::kShuttingDown:
      return SseComment("nedlia: server stopping, reconnect with Last-Event-ID");
  }
  return SseComment("nedlia: stream ended, reconnect with Last-Event-ID");
}

}  // namespace

void EventStreamBody::Start(std::function<void()> wake) {
  subscription_->Start(wake);
  wake();  // the greeting is ready now
}

bool EventStreamBody::Take(std::string& out) {
  if (!std::exchange(greeted_, true))
    out += SseComment("nedlia event stream");
  const app::StreamBatch batch = subscription_->Take();
  for (const auto& event : batch.events)
    out += *event;
  if (batch.heartbeat)
    out += SseComment("keep-alive");
  if (!batch.closing)
    return true;
  out += Farewell(*batch.closing);
  return false;
}

std::string EventStreamBody::Stop(http::StreamEnd why) {
  subscription_->Close();
  switch (why) {
    case http::StreamEnd::kTooSlow:
      return Farewell(app::StreamClosing::kTooSlow);
    case http::StreamEnd::kServerStopping:
      return Farewell(app::StreamClosing::kShuttingDown);
    case http::StreamEnd::kComplete:
    case http::StreamEnd::kClientGone:
      break;
  }
  return "";
}

}  // namespace nedlia::api
