#pragma once

#include <string>
#include <vector>

#include "consumers/consumer_options.hpp"

namespace nedlia::consumers {

/// What a consumer reads, and how each event read reaches its handler: with options.upcast,
/// the older versions of its types too, upcast to the versions it names, and the copies made
/// for older readers skipped (events::Upcaster); otherwise its types, passed on as they are.
struct Reading {
  std::vector<std::string> types;  ///< sorted
  EventHandler handle;
};

/// Throws std::logic_error when options.upcast is set and an older version cannot be upcast.
Reading PrepareReading(const ConsumerOptions& options, EventHandler handler);

}  // namespace nedlia::consumers
