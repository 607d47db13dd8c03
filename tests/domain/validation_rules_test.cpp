// The validator's rules over a video's placements: timing (one product's overlaps, crowding),
// the video's duration, products, campaigns, advertisers and drafts; the summary and the order.
#include "domain/validation_rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace nedlia::domain {
namespace {

Uuid Id(std::uint8_t kind, std::uint32_t n) {
  return Uuid({kind, 0, 0, 0, 0, 0, 0x70, 0, 0x80, 0, 0, 0, static_cast<std::uint8_t>(n >> 24),
               static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
               static_cast<std::uint8_t>(n)});
}

const Date kToday = *Date::Parse("2026-06-15");

class ValidationRulesTest : public ::testing::Test {
 protected:
  ValidationRulesTest() {
    subject_.video_duration_ms = 60'000;
    AddProduct(1);
    AddProduct(2);
  }

  /// A live product of an active advertiser, in an active campaign covering today.
  void AddProduct(std::uint32_t n) {
    subject_.products.push_back({.id = Id(1, n)});
    AddCampaign(n, n, CampaignStatus::kActive, "2026-01-01", "2026-12-31");
  }

  void AddCampaign(std::uint32_t product, std::uint32_t n, CampaignStatus status, const char* start,
                   const char* end) {
    subject_.campaigns.push_back({.product_id = Id(1, product),
                                  .campaign_id = Id(2, n),
                                  .status = status,
                                  .start_date = *Date::Parse(start),
                                  .end_date = *Date::Parse(end)});
  }

  /// Adds placement n of product `product` over [start_s, end_s) seconds.
  Uuid Place(std::uint32_t n, std::uint32_t product, double start_s, double end_s,
             PlacementStatus status = PlacementStatus::kActive) {
    subject_.placements.push_back({.id = Id(3, n),
                                   .product_id = Id(1, product),
                                   .time_range = {static_cast<std::int64_t>(start_s * 1000),
                                                  static_cast<std::int64_t>(end_s * 1000)},
                                   .status = status});
    return Id(3, n);
  }

  ValidationReport Run() const { return Validate(subject_, kToday, limits_); }

  /// The placements with an issue of `type`, and each one's issue time range.
  std::map<Uuid, TimeRange> Flagged(const ValidationReport& report, IssueType type) const {
    std::map<Uuid, TimeRange> flagged;
    for (const ValidationIssue& issue : report.issues) {
      if (issue.type == type) {
        EXPECT_TRUE(flagged.emplace(issue.placement_id, issue.time_range).second);
      }
    }
    return flagged;
  }

  std::vector<IssueType> TypesOf(const ValidationReport& report, const Uuid& placement) const {
    std::vector<IssueType> types;
    for (const ValidationIssue& issue : report.issues) {
      if (issue.placement_id == placement)
        types.push_back(issue.type);
    }
    return types;
  }

  ValidationSubject subject_;
  ValidationLimits limits_;
};

TEST_F(ValidationRulesTest, AnEmptyVideoIsValid) {
  const ValidationReport report = Run();
  EXPECT_TRUE(report.issues.empty());
  EXPECT_EQ(report.summary, (ValidationSummary{0, 0, 0, true}));
}

TEST_F(ValidationRulesTest, GoodPlacementsHaveNoIssues) {
  Place(1, 1, 0, 10);
  Place(2, 2, 5, 15);
  Place(3, 1, 20, 60);  // ends exactly where the video does
  const ValidationReport report = Run();
  EXPECT_TRUE(report.issues.empty()) << report.issues.front().message;
  EXPECT_EQ(report.summary, (ValidationSummary{3, 3, 0, true}));
}

TEST_F(ValidationRulesTest, TouchingRangesOfOneProductDoNotOverlap) {
  Place(1, 1, 0, 10);
  Place(2, 1, 10, 20);
  Place(3, 1, 20, 30);
  EXPECT_TRUE(Run().issues.empty());
}

TEST_F(ValidationRulesTest, OverlapsOfOneProductFlagEveryPlacementInvolved) {
  const Uuid wide = Place(1, 1, 0, 40);
  const Uuid inner = Place(2, 1, 10, 20);
  const Uuid later = Place(3, 1, 30, 50);
  const Uuid alone = Place(4, 1, 50, 55);
  const Uuid other_product = Place(5, 2, 0, 40);  // another product may overlap
  const ValidationReport report = Run();
  const auto flagged = Flagged(report, IssueType::kProductOverlap);
  EXPECT_EQ(flagged.size(), 3u);
  EXPECT_EQ(flagged.at(wide), (TimeRange{10'000, 20'000}));  // with its first overlap
  EXPECT_EQ(flagged.at(inner), (TimeRange{10'000, 20'000}));
  EXPECT_EQ(flagged.at(later), (TimeRange{30'000, 40'000}));
  EXPECT_FALSE(flagged.contains(alone));
  EXPECT_FALSE(flagged.contains(other_product));
  EXPECT_EQ(report.summary, (ValidationSummary{5, 2, 3, false}));
  EXPECT_EQ(report.issues[0].severity, Severity::kError);
  EXPECT_NE(report.issues[0].message.find(inner.ToString()), std::string::npos);
}

TEST_F(ValidationRulesTest, ExactlyTheMaximumOnScreenIsFine) {
  limits_.max_simultaneous = 3;
  Place(1, 1, 0, 10);
  Place(2, 2, 0, 10);
  Place(3, 3, 0, 10);
  AddProduct(3);
  // A fourth that starts when the others end is never on screen with them.
  Place(4, 4, 10, 20);
  AddProduct(4);
  EXPECT_TRUE(Run().issues.empty());
}

TEST_F(ValidationRulesTest, OneOverTheMaximumFlagsThePlacementsOnScreenThen) {
  limits_.max_simultaneous = 3;
  for (std::uint32_t p = 3; p <= 5; ++p)
    AddProduct(p);
  const Uuid a = Place(1, 1, 0, 10);
  const Uuid b = Place(2, 2, 2, 12);
  const Uuid c = Place(3, 3, 4, 14);
  const Uuid d = Place(4, 4, 6, 8);    // the fourth: crowded over [6, 8)
  const Uuid e = Place(5, 5, 12, 30);  // on screen with b and c only when b has gone
  const ValidationReport report = Run();
  const auto flagged = Flagged(report, IssueType::kTooManySimultaneous);
  EXPECT_EQ(
      flagged,
      (std::map<Uuid, TimeRange>{
          {a, {6'000, 8'000}}, {b, {6'000, 8'000}}, {c, {6'000, 8'000}}, {d, {6'000, 8'000}}}));
  EXPECT_FALSE(flagged.contains(e));
  EXPECT_EQ(report.issues.front().message,
            "4 placements on screen at once (3 at most) from 6.000 s to 8.000 s");
  EXPECT_EQ(report.summary, (ValidationSummary{5, 1, 4, false}));
}

TEST_F(ValidationRulesTest, APlacementNotReportedCrowdsTheScreenButGetsNoIssueAndNoCount) {
  // A run for one advertiser: placements 3 and 4 are another tenant's, of products the subject
  // does not even hold. They crowd the screen with 1 and 2, and are overlapping drafts that run
  // past the video's end, yet the report says nothing of them and names neither.
  limits_.max_simultaneous = 2;
  const Uuid mine = Place(1, 1, 0, 10);
  const Uuid also_mine = Place(2, 2, 0, 10);
  const Uuid theirs = Place(3, 7, 5, 70, PlacementStatus::kDraft);
  const Uuid theirs_too = Place(4, 7, 5, 70, PlacementStatus::kDraft);
  subject_.placements[2].reported = false;
  subject_.placements[3].reported = false;
  const ValidationReport report = Run();
  EXPECT_EQ(Flagged(report, IssueType::kTooManySimultaneous),
            (std::map<Uuid, TimeRange>{{mine, {5'000, 10'000}}, {also_mine, {5'000, 10'000}}}));
  for (const ValidationIssue& issue : report.issues) {
    EXPECT_TRUE(issue.placement_id == mine || issue.placement_id == also_mine);
    EXPECT_EQ(issue.message.find(theirs.ToString()), std::string::npos) << issue.message;
    EXPECT_EQ(issue.message.find(theirs_too.ToString()), std::string::npos) << issue.message;
    EXPECT_EQ(issue.message.find(Id(1, 7).ToString()), std::string::npos) << issue.message;
  }
  EXPECT_EQ(report.summary, (ValidationSummary{2, 0, 2, false}));
}

TEST_F(ValidationRulesTest, TheMaximumIsASetting) {
  limits_.max_simultaneous = 1;
  Place(1, 1, 0, 10);
  Place(2, 2, 9, 20);
  Place(3, 1, 20, 30);  // touching: fine
  EXPECT_EQ(Flagged(Run(), IssueType::kTooManySimultaneous).size(), 2u);
  limits_.max_simultaneous = 2;
  EXPECT_TRUE(Run().issues.empty());
}

TEST_F(ValidationRulesTest, APlacementMustEndWithinTheVideo) {
  const Uuid fits = Place(1, 1, 50, 60);
  const Uuid past = Place(2, 2, 50, 60.001);
  const ValidationReport report = Run();
  EXPECT_TRUE(TypesOf(report, fits).empty());
  ASSERT_EQ(TypesOf(report, past), std::vector{IssueType::kOutsideDuration});
  EXPECT_EQ(report.issues[0].message,
            "runs from 50.000 s to 60.001 s, past the video's end at 60.000 s");
  EXPECT_EQ(report.issues[0].time_range, (TimeRange{50'000, 60'001}));
}

TEST_F(ValidationRulesTest, AMissingOrDeletedProductIsAnErrorAndNothingElse) {
  subject_.products.push_back({.id = Id(1, 7), .deleted = true});
  const Uuid missing = Place(1, 9, 0, 10);
  const Uuid deleted = Place(2, 7, 0, 10);
  const ValidationReport report = Run();
  EXPECT_EQ(TypesOf(report, missing), std::vector{IssueType::kProductMissing});
  EXPECT_EQ(TypesOf(report, deleted), std::vector{IssueType::kProductDeleted});
  EXPECT_FALSE(report.summary.is_valid);
}

TEST_F(ValidationRulesTest, AnActiveCampaignMustCoverTheProductToday) {
  for (std::uint32_t p = 10; p <= 14; ++p)
    subject_.products.push_back({.id = Id(1, p)});
  AddCampaign(10, 10, CampaignStatus::kActive, "2026-06-15", "2026-07-01");  // starts today
  AddCampaign(11, 11, CampaignStatus::kActive, "2026-01-01", "2026-06-15");  // ends today
  AddCampaign(12, 12, CampaignStatus::kActive, "2026-06-16", "2026-07-01");  // tomorrow
  AddCampaign(13, 13, CampaignStatus::kDraft, "2026-01-01", "2026-12-31");
  // 14: in no campaign at all
  const Uuid starts_today = Place(1, 10, 0, 1);
  const Uuid ends_today = Place(2, 11, 0, 1);
  const Uuid not_yet = Place(3, 12, 0, 1);
  const Uuid draft_campaign = Place(4, 13, 0, 1);
  const Uuid none = Place(5, 14, 0, 1);
  limits_.max_simultaneous = 10;
  const ValidationReport report = Run();
  EXPECT_TRUE(TypesOf(report, starts_today).empty());
  EXPECT_TRUE(TypesOf(report, ends_today).empty());
  for (const Uuid& uncovered : {not_yet, draft_campaign, none})
    EXPECT_EQ(TypesOf(report, uncovered), std::vector{IssueType::kNoActiveCampaign});
  EXPECT_EQ(report.summary, (ValidationSummary{5, 2, 3, false}));
}

TEST_F(ValidationRulesTest, ExpiredAndPausedCampaignsAreWarningsUnlessNothingElseCovers) {
  subject_.products.push_back({.id = Id(1, 20)});
  AddCampaign(1, 30, CampaignStatus::kPaused, "2026-01-01", "2026-12-31");
  AddCampaign(1, 31, CampaignStatus::kCompleted, "2026-01-01", "2026-12-31");
  AddCampaign(20, 32, CampaignStatus::kActive, "2025-01-01", "2026-06-14");  // ended yesterday
  const Uuid still_covered = Place(1, 1, 0, 1);
  const Uuid expired_only = Place(2, 20, 0, 1);
  const ValidationReport report = Run();
  EXPECT_EQ(TypesOf(report, still_covered),
            (std::vector{IssueType::kCampaignExpired, IssueType::kCampaignPaused}));
  EXPECT_EQ(TypesOf(report, expired_only),
            (std::vector{IssueType::kNoActiveCampaign, IssueType::kCampaignExpired}));
  for (const ValidationIssue& issue : report.issues) {
    EXPECT_EQ(issue.severity,
              issue.type == IssueType::kNoActiveCampaign ? Severity::kError : Severity::kWarning);
  }
  EXPECT_EQ(report.summary, (ValidationSummary{2, 1, 4, false}));
}

TEST_F(ValidationRulesTest, ASuspendedAdvertiserIsAnError) {
  subject_.products[1].advertiser_status = AdvertiserStatus::kSuspended;
  const Uuid suspended = Place(1, 2, 0, 1);
  EXPECT_EQ(TypesOf(Run(), suspended), std::vector{IssueType::kAdvertiserSuspended});
}

TEST_F(ValidationRulesTest, ADraftPlacementIsOnlyAWarning) {
  const Uuid draft = Place(1, 1, 0, 1, PlacementStatus::kDraft);
  const ValidationReport report = Run();
  ASSERT_EQ(TypesOf(report, draft), std::vector{IssueType::kDraftPlacement});
  EXPECT_EQ(report.issues[0].severity, Severity::kWarning);
  EXPECT_EQ(report.summary, (ValidationSummary{1, 1, 1, true}));
}

TEST_F(ValidationRulesTest, IssuesComeInTheSameOrderWhateverTheInputOrder) {
  limits_.max_simultaneous = 2;
  Place(1, 1, 0, 30, PlacementStatus::kDraft);
  Place(2, 1, 10, 70);
  Place(3, 2, 5, 25);
  Place(4, 9, 5, 25);
  const ValidationReport first = Run();
  ASSERT_GT(first.issues.size(), 5u);
  EXPECT_EQ(first.issues.front().placement_id, Id(3, 1));  // ordered by start
  std::mt19937 random(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(subject_.placements.begin(), subject_.placements.end(), random);
    std::shuffle(subject_.campaigns.begin(), subject_.campaigns.end(), random);
    EXPECT_EQ(Run().issues, first.issues);
  }
}

/// The timing rules against their definitions, checked pair by pair and instant by instant.
TEST_F(ValidationRulesTest, TimingRulesAgreeWithABruteForceCheck) {
  std::mt19937 random(42);
  for (int round = 0; round < 20; ++round) {
    subject_.placements.clear();
    limits_.max_simultaneous = 1 + round % 4;
    for (std::uint32_t n = 0; n < 60; ++n) {
      const int start = static_cast<int>(random() % 50);
      Place(n, 1 + random() % 2, start, start + 1 + random() % 8);
    }
    std::set<Uuid> overlapping;
    std::set<Uuid> crowded;
    for (const auto& p : subject_.placements) {
      for (const auto& q : subject_.placements) {
        if (p.id != q.id && p.product_id == q.product_id && p.time_range.Overlaps(q.time_range))
          overlapping.insert(p.id);
      }
      // On-screen counts change only at starts: check each start within p.
      for (const auto& at : subject_.placements) {
        const std::int64_t t = at.time_range.start_ms;
        if (t < p.time_range.start_ms || t >= p.time_range.end_ms)
          continue;
        const auto count = std::count_if(
            subject_.placements.begin(), subject_.placements.end(),
            [t](const auto& r) { return r.time_range.start_ms <= t && t < r.time_range.end_ms; });
        if (count > limits_.max_simultaneous)
          crowded.insert(p.id);
      }
    }
    const ValidationReport report = Run();
    std::set<Uuid> found_overlapping;
    for (const auto& [id, range] : Flagged(report, IssueType::kProductOverlap))
      found_overlapping.insert(id);
    std::set<Uuid> found_crowded;
    for (const auto& [id, range] : Flagged(report, IssueType::kTooManySimultaneous))
      found_crowded.insert(id);
    EXPECT_EQ(found_overlapping, overlapping) << "round " << round;
    EXPECT_EQ(found_crowded, crowded) << "round " << round;
  }
}

}  // namespace
}  // namespace nedlia::domain
