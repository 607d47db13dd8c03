#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "domain/validation_report.hpp"
#include "domain/validation_rules.hpp"

namespace nedlia::domain {

/// An issue found on the placement at `placement` (an index into the rules' input).
struct PlacementIssue {
  std::size_t placement = 0;
  ValidationIssue issue;
};

/// Each placement that overlaps another placement of the same product gets one
/// product_overlap issue whose time range is the overlap with one of them. Ranges are
/// half-open: touching ranges do not overlap. O(n log n).
void FindProductOverlaps(std::span<const PlacementToValidate> placements,
                         std::vector<PlacementIssue>& issues);

/// Each placement on screen while more than `max_simultaneous` placements are gets one
/// too_many_simultaneous issue, for the first such stretch it is part of; its time range is
/// the part of the placement within that stretch. O(n log n).
void FindCrowding(std::span<const PlacementToValidate> placements, int max_simultaneous,
                  std::vector<PlacementIssue>& issues);

}  // namespace nedlia::domain
