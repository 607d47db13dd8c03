#pragma once

#include <map>
#include <mutex>
#include <string>

#include "streams/hub_metrics.hpp"

namespace nedlia::streams {

/// How many streams are open, in all and per API key, against their caps. Thread-safe; every
/// call is short (a stream's Close releases its slot on the server's event loop).
class StreamSlots {
 public:
  /// `metrics` is copied: the registry behind it must outlive the slots, which outlive the hub
  /// while a stream is still open.
  StreamSlots(int max_per_key, int max_open, const HubMetrics& metrics)
      : max_per_key_(max_per_key), max_open_(max_open), metrics_(metrics) {}

  /// Takes a slot for a stream of `key_hash`. Throws app::Error kTooManyRequests when the key
  /// holds its maximum already, kUnavailable when the process does.
  void Acquire(const std::string& key_hash);
  /// Gives back a slot Acquire took.
  void Release(const std::string& key_hash);
  /// Streams open now.
  int Open() const;

 private:
  const int max_per_key_;
  const int max_open_;
  HubMetrics metrics_;
  mutable std::mutex mutex_;
  std::map<std::string, int> per_key_;
  int open_ = 0;
};

}  // namespace nedlia::streams
