#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/uuid.hpp"
#include "pg/connection.hpp"

namespace nedlia::readmodel {

/// What a change touches in placement_details: one placement, or every placement of a video,
/// a product or an advertiser (a rename reaches all of their rows).
enum class Scope { kPlacement, kVideo, kProduct, kAdvertiser };

/// A row of placement_details that differs from its definition (the specification's join).
struct Difference {
  domain::Uuid id;
  std::string kind;                  ///< "missing", "extra" or "differs"
  std::vector<std::string> columns;  ///< for "differs": the columns that disagree
};

struct RebuildCounts {
  std::int64_t removed = 0;
  std::int64_t written = 0;  ///< rows inserted or changed
  std::int64_t total = 0;    ///< rows after the rebuild
};

/// The SQL of the placement_details read model, on a connection inside the caller's
/// transaction. Every write recomputes rows from placement_details_definition (the current
/// state of the write tables), so applying one twice, or late, changes nothing.
class DetailRows {
 public:
  explicit DetailRows(pg::Connection& connection) : connection_(connection) {}

  /// Brings the rows of `scope` in `ids` in line with the definition: removes those no longer
  /// in it, writes those new or changed (rows already equal are not rewritten). Two statements
  /// in one round trip, however many ids.
  void Refresh(Scope scope, const std::vector<domain::Uuid>& ids);
  /// The whole table, in one transaction; the projector waits while it runs.
  RebuildCounts Rebuild();
  /// Up to `limit` differences, in id order, and how many there are in all.
  std::vector<Difference> Verify(int limit, std::int64_t& total);

 private:
  pg::Connection& connection_;
};

}  // namespace nedlia::readmodel
