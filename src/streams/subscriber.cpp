#include "streams/subscriber.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace nedlia::streams {

bool SubscriberFilter::Matches(const SharedEvent& event) const {
  if (advertiser && event.advertiser_id != advertiser)
    return false;
  return types.empty() || std::find(types.begin(), types.end(), event.type) != types.end();
}

Subscriber::Subscriber(Profile profile, app::LogPosition cursor)
    : profile_(std::move(profile)), cursor_(cursor), last_activity_(Clock::now()) {}

void Subscriber::Start(std::function<void()> wake) {
  {
    const std::lock_guard lock(wake_mutex_);
    wake_ = std::move(wake);
  }
  bool ready = false;
  {
    // What arrived before Start found no one to wake.
    const std::lock_guard lock(mutex_);
    ready = !queue_.empty() || closing_ || heartbeat_due_;
    pending_ = ready;
  }
  if (ready)
    Wake();
}

app::StreamBatch Subscriber::Take() {
  const std::lock_guard lock(mutex_);
  app::StreamBatch batch;
  batch.events.assign(std::make_move_iterator(queue_.begin()),
                      std::make_move_iterator(queue_.end()));
  queue_.clear();
  queued_bytes_ = 0;
  batch.heartbeat = std::exchange(heartbeat_due_, false);
  batch.closing = closing_;
  pending_ = false;
  return batch;
}

void Subscriber::Close() {
  {
    // Once this is done no wake call is running or can start.
    const std::lock_guard lock(wake_mutex_);
    wake_ = nullptr;
  }
  const std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
}

Subscriber::Offered Subscriber::Offer(const std::vector<const SharedEvent*>& events,
                                      WhenFull when_full) {
  Offered offered;
  bool wake = false;
  {
    const std::lock_guard lock(mutex_);
    if (closed_ || closing_)
      return offered;
    for (const SharedEvent* event : events) {
      if (event->at <= cursor_ || !profile_.filter.Matches(*event)) {
        cursor_ = std::max(cursor_, event->at);
        ++offered.consumed;
        continue;
      }
      if (!queue_.empty() && queued_bytes_ + event->Bytes() > profile_.queue_bytes) {
        if (when_full == WhenFull::kEnd) {
          // Its client is not keeping up: the queue goes, it resumes from what it received.
          closing_ = app::StreamClosing::kTooSlow;
          queue_.clear();
          queued_bytes_ = 0;
          offered.too_slow = wake = true;
        }
        break;
      }
      queue_.push_back(event->message);
      queued_bytes_ += event->Bytes();
      cursor_ = event->at;
      ++offered.queued;
      ++offered.consumed;
    }
    if (offered.too_slow) {
      pending_ = true;
    } else if (offered.queued > 0) {
      last_activity_ = Clock::now();
      wake = MarkPending();
    }
  }
  if (wake)
    Wake();
  return offered;
}

void Subscriber::AdvanceCursor(app::LogPosition cursor) {
  const std::lock_guard lock(mutex_);
  cursor_ = std::max(cursor_, cursor);
}

app::LogPosition Subscriber::Cursor() const {
  const std::lock_guard lock(mutex_);
  return cursor_;
}

bool Subscriber::HasRoomFor(std::size_t bytes) const {
  const std::lock_guard lock(mutex_);
  return queue_.empty() || queued_bytes_ + bytes <= profile_.queue_bytes;
}

bool Subscriber::End(app::StreamClosing why) {
  {
    const std::lock_guard lock(mutex_);
    if (closed_ || closing_)
      return false;
    closing_ = why;
    // A revoked key gets nothing more; a client that reached its lifetime gets what it was
    // owed; at shutdown the server has little time.
    if (why != app::StreamClosing::kLifetimeOver) {
      queue_.clear();
      queued_bytes_ = 0;
    }
    pending_ = true;
  }
  Wake();
  return true;
}

void Subscriber::Heartbeat(Clock::time_point now, Clock::duration silence) {
  bool wake = false;
  {
    const std::lock_guard lock(mutex_);
    if (closed_ || closing_ || !queue_.empty() || now - last_activity_ < silence)
      return;
    heartbeat_due_ = true;
    last_activity_ = now;
    wake = MarkPending();
  }
  if (wake)
    Wake();
}

bool Subscriber::Finished() const {
  const std::lock_guard lock(mutex_);
  return closed_ || closing_.has_value();
}

bool Subscriber::MarkPending() {
  return !std::exchange(pending_, true);
}

void Subscriber::Wake() {
  const std::lock_guard lock(wake_mutex_);
  if (wake_)
    wake_();
}

}  // namespace nedlia::streams
