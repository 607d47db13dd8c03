#include "domain/validation_rules.hpp"

#include <algorithm>
#include <string>
#include <tuple>

#include "domain/decimal.hpp"
#include "domain/timing_rules.hpp"

namespace nedlia::domain {
namespace {

/// An issue of a product rather than of a placement: every placement of the product gets it.
struct ProductFinding {
  IssueType type;
  Severity severity;
  std::string message;
};

bool Covers(const ProductCampaign& campaign, Date today) {
  return campaign.status == CampaignStatus::kActive && campaign.start_date <= today &&
         today <= campaign.end_date;
}

void CampaignFindings(std::span<const ProductCampaign> campaigns, Date today,
                      std::vector<ProductFinding>& findings) {
  bool covered = false;
  for (const ProductCampaign& campaign : campaigns) {
    covered = covered || Covers(campaign, today);
    const std::string name = "campaign " + campaign.campaign_id.ToString();
    if (campaign.status == CampaignStatus::kCompleted || campaign.end_date < today) {
      findings.push_back({IssueType::kCampaignExpired, Severity::kWarning,
                          name + " ended on " + campaign.end_date.ToString()});
    } else if (campaign.status == CampaignStatus::kPaused) {
      findings.push_back({IssueType::kCampaignPaused, Severity::kWarning, name + " is paused"});
    }
  }
  if (!covered) {
    findings.insert(findings.begin(),
                    {IssueType::kNoActiveCampaign, Severity::kError,
                     "no active campaign includes the product on " + today.ToString()});
  }
}

/// What is wrong with one product, whichever placement shows it.
std::vector<ProductFinding> ProductFindings(const ProductStanding* product,
                                            std::span<const ProductCampaign> campaigns,
                                            Date today) {
  if (product == nullptr)
    return {{IssueType::kProductMissing, Severity::kError, "the product does not exist"}};
  if (product->deleted)
    return {{IssueType::kProductDeleted, Severity::kError, "the product was deleted"}};
  std::vector<ProductFinding> findings;
  if (product->advertiser_status == AdvertiserStatus::kSuspended) {
    findings.push_back({IssueType::kAdvertiserSuspended, Severity::kError,
                        "the product's advertiser is suspended"});
  }
  CampaignFindings(campaigns, today, findings);
  return findings;
}

/// Product findings, computed once per product and handed to each of its placements.
class ProductRules {
 public:
  ProductRules(const ValidationSubject& subject, Date today)
      : products_(subject.products), campaigns_(subject.campaigns), today_(today) {
    std::sort(products_.begin(), products_.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    std::sort(campaigns_.begin(), campaigns_.end(), [](const auto& a, const auto& b) {
      return std::tie(a.product_id, a.campaign_id) < std::tie(b.product_id, b.campaign_id);
    });
  }

  void Check(std::span<const PlacementToValidate> placements, std::vector<PlacementIssue>& issues) {
    // Placements sorted by product visit each product's findings once, in a row.
    std::vector<std::size_t> order;
    order.reserve(placements.size());
    for (std::size_t i = 0; i < placements.size(); ++i) {
      if (placements[i].reported)
        order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return placements[a].product_id < placements[b].product_id;
    });
    std::vector<ProductFinding> findings;
    for (std::size_t i = 0; i < order.size(); ++i) {
      const PlacementToValidate& placement = placements[order[i]];
      if (i == 0 || placement.product_id != placements[order[i - 1]].product_id)
        findings = FindingsOf(placement.product_id);
      for (const ProductFinding& finding : findings) {
        issues.push_back({order[i],
                          {.placement_id = placement.id,
                           .type = finding.type,
                           .severity = finding.severity,
                           .message = finding.message,
                           .time_range = placement.time_range}});
      }
    }
  }

 private:
  std::vector<ProductFinding> FindingsOf(const Uuid& product_id) const {
    const auto product = std::lower_bound(
        products_.begin(), products_.end(), product_id,
        [](const ProductStanding& standing, const Uuid& id) { return standing.id < id; });
    const bool found = product != products_.end() && product->id == product_id;
    const auto [first, last] = std::equal_range(
        campaigns_.begin(), campaigns_.end(), ProductCampaign{.product_id = product_id},
        [](const ProductCampaign& a, const ProductCampaign& b) {
          return a.product_id < b.product_id;
        });
    return ProductFindings(found ? &*product : nullptr, std::span(first, last), today_);
  }

  std::vector<ProductStanding> products_;
  std::vector<ProductCampaign> campaigns_;
  Date today_;
};

void CheckEachPlacement(std::span<const PlacementToValidate> placements,
                        std::int64_t video_duration_ms, std::vector<PlacementIssue>& issues) {
  for (std::size_t i = 0; i < placements.size(); ++i) {
    const PlacementToValidate& placement = placements[i];
    if (!placement.reported)
      continue;
    if (!placement.time_range.LiesWithin(video_duration_ms)) {
      issues.push_back({i,
                        {.placement_id = placement.id,
                         .type = IssueType::kOutsideDuration,
                         .severity = Severity::kError,
                         .message = "runs from " + Describe(placement.time_range) +
                                    ", past the video's end at " +
                                    FormatDecimal(video_duration_ms, kSecondsDecimals) + " s",
                         .time_range = placement.time_range}});
    }
    if (placement.status == PlacementStatus::kDraft) {
      issues.push_back({i,
                        {.placement_id = placement.id,
                         .type = IssueType::kDraftPlacement,
                         .severity = Severity::kWarning,
                         .message = "the placement is a draft: players do not show it",
                         .time_range = placement.time_range}});
    }
  }
}

/// The order of issues: by the placement's start, end and id, then by issue type and time
/// range. Issues equal in all of these (a product's two expired campaigns) keep the order the
/// rules found them in, which does not depend on the input's order. Sorts small keys, then
/// moves each issue once.
void SortDeterministically(std::span<const PlacementToValidate> placements,
                           std::vector<PlacementIssue>& issues) {
  struct Key {
    std::int64_t start_ms, end_ms;
    const Uuid* id;
    IssueType type;
    std::int64_t range_start_ms, range_end_ms;
    std::size_t issue;
  };
  std::vector<Key> keys;
  keys.reserve(issues.size());
  for (std::size_t i = 0; i < issues.size(); ++i) {
    const PlacementToValidate& placement = placements[issues[i].placement];
    const TimeRange& range = issues[i].issue.time_range;
    keys.push_back({placement.time_range.start_ms, placement.time_range.end_ms, &placement.id,
                    issues[i].issue.type, range.start_ms, range.end_ms, i});
  }
  std::stable_sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.start_ms, a.end_ms, *a.id, a.type, a.range_start_ms, a.range_end_ms) <
           std::tie(b.start_ms, b.end_ms, *b.id, b.type, b.range_start_ms, b.range_end_ms);
  });
  std::vector<PlacementIssue> sorted;
  sorted.reserve(issues.size());
  for (const Key& key : keys)
    sorted.push_back(std::move(issues[key.issue]));
  issues = std::move(sorted);
}

/// Drops the issues of placements the report is not for; the rules that compare placements
/// with each other found them, the others never look at such placements.
void KeepReported(std::span<const PlacementToValidate> placements,
                  std::vector<PlacementIssue>& issues) {
  std::erase_if(issues,
                [&](const PlacementIssue& found) { return !placements[found.placement].reported; });
}

ValidationSummary Summarize(std::span<const PlacementToValidate> placements,
                            std::span<const PlacementIssue> issues) {
  std::vector<bool> has_error(placements.size(), false);
  int errors = 0;
  for (const PlacementIssue& found : issues) {
    if (found.issue.severity == Severity::kError && !has_error[found.placement]) {
      has_error[found.placement] = true;
      ++errors;
    }
  }
  const int total = static_cast<int>(
      std::count_if(placements.begin(), placements.end(),
                    [](const PlacementToValidate& placement) { return placement.reported; }));
  return {.total_placements = total,
          .valid_placements = total - errors,
          .issues_count = static_cast<int>(issues.size()),
          .is_valid = errors == 0};
}

}  // namespace

ValidationReport Validate(const ValidationSubject& subject, Date today,
                          const ValidationLimits& limits) {
  const std::span<const PlacementToValidate> placements = subject.placements;
  std::vector<PlacementIssue> found;
  FindProductOverlaps(placements, found);
  FindCrowding(placements, limits.max_simultaneous, found);
  KeepReported(placements, found);
  CheckEachPlacement(placements, subject.video_duration_ms, found);
  ProductRules(subject, today).Check(placements, found);
  SortDeterministically(placements, found);

  ValidationReport report{.issues = {}, .summary = Summarize(placements, found)};
  report.issues.reserve(found.size());
  for (PlacementIssue& issue : found)
    report.issues.push_back(std::move(issue.issue));
  return report;
}

}  // namespace nedlia::domain
