#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "domain/time_range.hpp"
#include "domain/uuid.hpp"

namespace nedlia::domain {

/// What a validation found wrong with one placement. The text forms (ToString) are the API's.
enum class IssueType {
  kProductOverlap,       ///< overlaps another placement of the same product
  kTooManySimultaneous,  ///< on screen while more than the maximum placements are
  kOutsideDuration,      ///< ends after the video does
  kProductMissing,       ///< its product does not exist
  kProductDeleted,       ///< its product was deleted
  kNoActiveCampaign,     ///< no active campaign covers its product today
  kCampaignExpired,      ///< a campaign of its product has ended
  kCampaignPaused,       ///< a campaign of its product is paused
  kAdvertiserSuspended,  ///< the product's advertiser is suspended
  kDraftPlacement,       ///< the placement is a draft: not shown until activated
};

/// An error makes the video invalid; a warning or an info does not.
enum class Severity { kError, kWarning, kInfo };

std::string_view ToString(IssueType type);
std::string_view ToString(Severity severity);
/// "10.000 s to 12.500 s", for issue messages.
std::string Describe(const TimeRange& range);

struct ValidationIssue {
  Uuid placement_id;
  IssueType type = IssueType::kProductOverlap;
  Severity severity = Severity::kError;
  std::string message;
  TimeRange time_range;  ///< the part of the video's timeline the issue concerns

  friend bool operator==(const ValidationIssue&, const ValidationIssue&) = default;
};

struct ValidationSummary {
  int total_placements = 0;
  int valid_placements = 0;  ///< placements without an error-severity issue
  int issues_count = 0;
  bool is_valid = true;  ///< no error-severity issue at all

  friend bool operator==(const ValidationSummary&, const ValidationSummary&) = default;
};

/// The verdict on a video's placements: its issues in a deterministic order (see Validate).
struct ValidationReport {
  std::vector<ValidationIssue> issues;
  ValidationSummary summary;
};

}  // namespace nedlia::domain
