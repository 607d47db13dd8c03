#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/catalog.hpp"
#include "events/stored_event.hpp"

namespace nedlia::events {

/// Lets a consumer that works on the current version of its event types accept their older
/// versions too (the specification's versioning strategy): events of an older version are
/// upcast to the current one, and the copies published for older readers during a migration
/// window (see version_copies.hpp) are recognised, so that each change reaches the handler once.
class Upcaster {
 public:
  /// `current`: the versioned types the consumer handles ("com.nedlia.placement.created.v2").
  /// Throws std::logic_error for a type missing from the catalog, or when the catalog lists an
  /// older version of one that versions.cpp cannot upcast (its events would be missed).
  Upcaster(const Catalog& catalog, const std::vector<std::string>& current);

  /// `current` and every older version of those types in the catalog: what to read.
  const std::vector<std::string>& TypesToRead() const { return types_to_read_; }
  /// The event at its current version: id, aggregate and envelope kept, type, data and
  /// dataschema those of the current version. Nullopt for a copy made for older readers when
  /// the consumer reads the newer original. Throws when the data cannot be converted, or
  /// InvalidEvent when the result breaks the current schema (a bug in versions.cpp).
  std::optional<StoredEvent> ToCurrent(StoredEvent event) const;

 private:
  const Catalog& catalog_;
  std::map<std::string, const EventSchema*, std::less<>> current_;  ///< by unversioned type
  std::vector<std::string> types_to_read_;
};

}  // namespace nedlia::events
