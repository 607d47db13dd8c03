#pragma once

#include <memory>
#include <string>

#include "app/ports/event_streams.hpp"
#include "http/response.hpp"

namespace nedlia::api {

/// A subscription to the event feed as the body of a Server-Sent Events answer: a greeting
/// comment, then the events as the hub hands them over, a heartbeat comment when it asks for
/// one, and a last comment saying why the stream ended (too slow, key revoked, lifetime over,
/// server stopping), so that the client knows to reconnect with Last-Event-ID.
class EventStreamBody : public http::BodySource {
 public:
  explicit EventStreamBody(std::unique_ptr<app::EventSubscription> subscription)
      : subscription_(std::move(subscription)) {}

  void Start(std::function<void()> wake) override;
  bool Take(std::string& out) override;
  std::string Stop(http::StreamEnd why) override;

 private:
  std::unique_ptr<app::EventSubscription> subscription_;
  bool greeted_ = false;
};

}  // namespace nedlia::api
