#pragma once

#include <atomic>
#include <memory>

#include "app/ports/event_streams.hpp"
#include "streams/stream_slots.hpp"
#include "streams/subscriber.hpp"

namespace nedlia::streams {

/// The client's handle on a subscriber: what the hub hands to the API. It holds the stream's
/// slot until it is closed, ends, or is destroyed, and keeps nothing of the hub but the slots,
/// so it may outlive the hub.
class Subscription : public app::EventSubscription {
 public:
  Subscription(std::shared_ptr<Subscriber> subscriber, std::shared_ptr<StreamSlots> slots)
      : subscriber_(std::move(subscriber)), slots_(std::move(slots)) {}
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  Subscription(Subscription&&) = delete;
  Subscription& operator=(Subscription&&) = delete;
  ~Subscription() override { Close(); }

  void Start(std::function<void()> wake) override { subscriber_->Start(std::move(wake)); }
  app::StreamBatch Take() override;
  void Close() override;

 private:
  void Release();

  std::shared_ptr<Subscriber> subscriber_;
  std::shared_ptr<StreamSlots> slots_;
  std::atomic<bool> released_{false};
};

}  // namespace nedlia::streams
