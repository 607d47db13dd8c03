#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/event_feed.hpp"
#include "app/principal.hpp"

namespace nedlia::app {

/// Why the platform ended a subscription (the client, for its part, may leave at any time).
enum class StreamClosing {
  kTooSlow,       ///< the client did not take events as fast as they came
  kKeyRevoked,    ///< the API key was revoked, or its advertiser deleted
  kLifetimeOver,  ///< the subscription reached its maximum age
  kShuttingDown,  ///< the process is stopping
};

/// What a subscription has ready for its client.
struct StreamBatch {
  /// Events in log order, each already rendered for the wire and shared between subscribers.
  std::vector<std::shared_ptr<const std::string>> events;
  bool heartbeat = false;                ///< nothing was sent for a while: say something
  std::optional<StreamClosing> closing;  ///< the subscription ends after `events`
};

/// One client's live tail of the event feed. Start, Take and Close never block: they may run
/// on a thread that serves many clients.
class EventSubscription {
 public:
  virtual ~EventSubscription() = default;
  /// Called once, first. `wake` (from any thread) says that Take has something; it is never
  /// called after Close returns, and must not itself call Take or Close.
  virtual void Start(std::function<void()> wake) = 0;
  /// Moves out what is ready (possibly nothing).
  virtual StreamBatch Take() = 0;
  /// The client left or the server stops: releases the subscription's share at once.
  virtual void Close() = 0;
};

/// What a subscriber asks for.
struct StreamRequest {
  Principal caller;
  std::string key_hash;  ///< the caller's API key, checked again for as long as the stream lasts
  /// Where to start (none: the start of the log) and which events; `advertiser` must already
  /// say what the caller may see (see VisibleTo), `limit` is unused.
  FeedQuery query;
};

/// The live event log, shared by every subscriber of a process.
class EventStreams {
 public:
  virtual ~EventStreams() = default;
  /// Opens a subscription: it starts after `request.query.after`, with no gap and no
  /// duplicate. Throws Error kTooManyRequests when the key holds its maximum of streams,
  /// kUnavailable when the process does.
  virtual std::unique_ptr<EventSubscription> Subscribe(StreamRequest request) = 0;
};

}  // namespace nedlia::app
