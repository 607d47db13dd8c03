#include "http/connection_registry.hpp"

#include <utility>

namespace nedlia::http {

ConnectionRegistry::ConnectionRegistry(Limits limits, std::function<void()> on_drained)
    : limits_(limits), on_drained_(std::move(on_drained)) {}

ConnectionRegistry::Admission ConnectionRegistry::Admit(std::string_view address) {
  const std::lock_guard lock(mutex_);
  if (stopping_)
    return {.verdict = Verdict::kServerFull};
  std::string key(address);
  if (limits_.max_per_address > 0) {
    const auto it = per_address_.find(key);
    if (it != per_address_.end() && it->second >= limits_.max_per_address)
      return {.verdict = Verdict::kAddressFull};
  }
  if (counted_ >= limits_.max_connections && !EvictOne())
    return {.verdict = Verdict::kServerFull};
  const std::uint64_t id = next_id_++;
  Entry& entry = entries_[id];
  entry.address = key;
  Queue(id, entry);
  ++counted_;
  ++per_address_[std::move(key)];
  return {.verdict = Verdict::kAdmitted, .id = id};
}

void ConnectionRegistry::SetInterrupt(std::uint64_t id, std::function<void()> interrupt) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end())
    return;
  it->second.interrupt = std::move(interrupt);
  // Evicted (or stopped) before it could be told: tell it now.
  const bool told_to_close =
      it->second.evicted || (stopping_ && it->second.state != ConnectionState::kBusy);
  if (told_to_close && it->second.interrupt)
    it->second.interrupt();
}

bool ConnectionRegistry::Enter(std::uint64_t id, ConnectionState state) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end() || it->second.evicted)
    return false;
  const bool waits_for_request =
      state == ConnectionState::kIdle || state == ConnectionState::kReadingHead;
  if (stopping_ && waits_for_request)
    return false;
  Entry& entry = it->second;
  Unqueue(entry);
  entry.state = state;
  Queue(id, entry);
  return true;
}

bool ConnectionRegistry::Admitted(std::uint64_t id) const {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  return it != entries_.end() && !it->second.evicted;
}

void ConnectionRegistry::Remove(std::uint64_t id) {
  bool drained = false;
  {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end())
      return;
    if (!it->second.evicted)
      Uncount(it->second);
    entries_.erase(it);
    drained = stopping_ && entries_.empty();
  }
  if (drained)
    on_drained_();
}

std::size_t ConnectionRegistry::BeginStop() {
  const std::lock_guard lock(mutex_);
  stopping_ = true;
  for (auto& [id, entry] : entries_) {
    if (entry.state != ConnectionState::kBusy && !entry.evicted && entry.interrupt)
      entry.interrupt();  // posts to the connection: never calls back into the registry here
  }
  return entries_.size();
}

bool ConnectionRegistry::Stopping() const {
  const std::lock_guard lock(mutex_);
  return stopping_;
}

std::size_t ConnectionRegistry::Count() const {
  const std::lock_guard lock(mutex_);
  return counted_;
}

std::size_t ConnectionRegistry::IdleCount() const {
  const std::lock_guard lock(mutex_);
  return idle_.size();
}

std::uint64_t ConnectionRegistry::Evictions() const {
  const std::lock_guard lock(mutex_);
  return evictions_;
}

void ConnectionRegistry::Unqueue(Entry& entry) {
  if (entry.state == ConnectionState::kIdle) {
    idle_.erase(entry.queued);
  } else if (entry.state == ConnectionState::kReadingHead) {
    reading_.erase(entry.queued);
  }
}

void ConnectionRegistry::Queue(std::uint64_t id, Entry& entry) {
  entry.since = std::chrono::steady_clock::now();
  if (entry.state == ConnectionState::kIdle) {
    entry.queued = idle_.insert(idle_.end(), id);
  } else if (entry.state == ConnectionState::kReadingHead) {
    entry.queued = reading_.insert(reading_.end(), id);
  }
}

// The longest idle goes first: a client that has been silent the longest is the least likely
// to send next, and an idle keep-alive connection can be reopened by its client at no loss.
// Failing that, the slowest head: a legitimate client sends its head in milliseconds.
bool ConnectionRegistry::EvictOne() {
  const auto evictable_before = std::chrono::steady_clock::now() - limits_.min_idle_to_evict;
  const auto evictable = [&](const std::list<std::uint64_t>& queue) {
    return !queue.empty() && entries_.at(queue.front()).since <= evictable_before;
  };
  std::list<std::uint64_t>* victims = evictable(idle_) ? &idle_ : &reading_;
  if (!evictable(*victims))
    return false;
  Entry& entry = entries_.at(victims->front());
  Uncount(entry);
  entry.evicted = true;
  ++evictions_;
  if (entry.interrupt)
    entry.interrupt();
  return true;
}

void ConnectionRegistry::Uncount(Entry& entry) {
  Unqueue(entry);
  entry.state = ConnectionState::kBusy;  // out of the queues for good
  --counted_;
  const auto it = per_address_.find(entry.address);
  if (it != per_address_.end() && --it->second == 0)
    per_address_.erase(it);
}

}  // namespace nedlia::http
