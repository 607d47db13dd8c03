#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nedlia::app {

/// A map of string keys to values that expire, holding at most `capacity` entries: when full,
/// the entry stored longest ago goes first (with one TTL per map, that is also the one that
/// expires first). Not thread-safe: its owner locks.
template <class Value>
class ExpiringMap {
 public:
  using Clock = std::chrono::steady_clock;

  struct Entry {
    Value value;
    Clock::time_point expires;
  };

  explicit ExpiringMap(std::size_t capacity) : capacity_(capacity) {}

  /// The entry of `key`, expired or not; null when there is none.
  const Entry* Find(const std::string& key) const {
    const auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  /// Stores (or replaces) `key`'s entry as the newest, evicting the oldest when full.
  void Put(const std::string& key, Value value, Clock::time_point expires) {
    Erase(key);
    if (capacity_ == 0)
      return;
    if (index_.size() >= capacity_) {
      index_.erase(order_.front().first);
      order_.pop_front();
    }
    order_.emplace_back(key, Entry{std::move(value), expires});
    index_.emplace(key, std::prev(order_.end()));
  }

  /// Forgets `key`, if it is there.
  void Erase(const std::string& key) {
    const auto it = index_.find(key);
    if (it == index_.end())
      return;
    order_.erase(it->second);
    index_.erase(it);
  }

  /// Entries held, expired ones included.
  std::size_t Size() const { return index_.size(); }

  /// The keys held, oldest first.
  std::vector<std::string> Keys() const {
    std::vector<std::string> keys;
    keys.reserve(order_.size());
    for (const auto& [key, entry] : order_)
      keys.push_back(key);
    return keys;
  }

 private:
  using Order = std::list<std::pair<std::string, Entry>>;

  std::size_t capacity_;
  Order order_;  ///< oldest first
  std::unordered_map<std::string, typename Order::iterator> index_;
};

}  // namespace nedlia::app
