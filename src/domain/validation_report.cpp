#include "domain/validation_report.hpp"

#include "domain/decimal.hpp"

namespace nedlia::domain {

std::string_view ToString(IssueType type) {
  switch (type) {
    case IssueType::kProductOverlap:
      return "product_overlap";
    case IssueType::kTooManySimultaneous:
      return "too_many_simultaneous";
    case IssueType::kOutsideDuration:
      return "outside_video_duration";
    case IssueType::kProductMissing:
      return "product_missing";
    case IssueType::kProductDeleted:
      return "product_deleted";
    case IssueType::kNoActiveCampaign:
      return "no_active_campaign";
    case IssueType::kCampaignExpired:
      return "campaign_expired";
    case IssueType::kCampaignPaused:
      return "campaign_paused";
    case IssueType::kAdvertiserSuspended:
      return "advertiser_suspended";
    case IssueType::kDraftPlacement:
      return "draft_placement";
  }
  return "unknown";
}

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "unknown";
}

std::string Describe(const TimeRange& range) {
  return FormatDecimal(range.start_ms, kSecondsDecimals) + " s to " +
         FormatDecimal(range.end_ms, kSecondsDecimals) + " s";
}

}  // namespace nedlia::domain
