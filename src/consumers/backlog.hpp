#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace nedlia::consumers {

/// How far a consumer is behind the log.
struct Backlog {
  /// Events of its types committed after its partitions' positions (counted up to a cap per
  /// partition: the figure says "at least" beyond it).
  std::int64_t events = 0;
  /// How long ago the oldest of them was written; nullopt when there are none.
  std::optional<double> oldest_age_seconds;
};

/// Events at most counted per partition by MeasureBacklog: a larger backlog costs no more.
inline constexpr std::int64_t kBacklogCountCap = 100000;

/// The backlog of consumer `name`, which reads `types` (the versioned types it reads, older
/// versions included; empty: every type).
Backlog MeasureBacklog(pg::Connection& connection, const std::string& name,
                       const std::vector<std::string>& types);

}  // namespace nedlia::consumers
