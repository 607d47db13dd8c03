#pragma once

#include <string>
#include <vector>

#include "migrate/schema_model.hpp"

namespace nedlia::migrate {

/// One difference between two schemas, with the SQL that moves the first to the second and
/// the SQL that moves it back.
struct SchemaChange {
  int phase = 0;            ///< the up SQL runs in phase order (drops first, then creations)
  std::string description;  ///< "column placements.time_start: only in schema/"
  std::string up_sql;
  std::string down_sql;
  std::string warning;  ///< e.g. a likely rename written as drop + add
};

/// What differs from `current` (the migrations at head) to `wanted` (the declared schema), in
/// the order the up SQL must run; the down SQL runs in the reverse order.
std::vector<SchemaChange> DiffSchemas(const SchemaModel& current, const SchemaModel& wanted);

/// The up and down parts of a migration applying `changes`.
std::string RenderUp(const std::vector<SchemaChange>& changes);
std::string RenderDown(const std::vector<SchemaChange>& changes);

}  // namespace nedlia::migrate
