#pragma once

#include <string>
#include <vector>

#include "events/catalog.hpp"

namespace nedlia::events {

/// How a change to the catalog affects the events' consumers, by the specification's rules
/// ("Schema Evolution"): a schema may only accept more than before (optional field added, new
/// type, validation relaxed); anything it would now reject breaks readers of old events.
enum class Compatibility { kCompatible, kBreaking };

struct SchemaChange {
  std::string type;   ///< the versioned type, e.g. "com.nedlia.placement.created.v1"
  std::string field;  ///< dotted path ("time_range.start_time"); empty for the type itself
  Compatibility compatibility = Compatibility::kCompatible;
  std::string what;  ///< e.g. "optional field added", "type changed from number to string"
};

/// Every difference between a base catalog and the head one that matters to a consumer
/// (descriptions are not compared), in type order.
std::vector<SchemaChange> Compare(const Catalog& base, const Catalog& head);

/// One line for a person: "com.nedlia.x.v1: field a.b: what (breaking: publish it as
/// com.nedlia.x.v2, ...)".
std::string Describe(const SchemaChange& change);

}  // namespace nedlia::events
