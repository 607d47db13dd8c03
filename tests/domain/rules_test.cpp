// Entity lifecycles and the rules that span entities: placements within their video, campaign
// dates and spend.
#include <gtest/gtest.h>

#include <vector>

#include "domain/campaign_rules.hpp"
#include "domain/placement_rules.hpp"
#include "domain/statuses.hpp"

namespace nedlia::domain {
namespace {

TEST(StatusTest, TextFormsRoundTrip) {
  EXPECT_EQ(ToString(CampaignStatus::kPaused), "paused");
  EXPECT_EQ(ParseStatus<CampaignStatus>("paused"), CampaignStatus::kPaused);
  EXPECT_EQ(ParseStatus<VideoStatus>("ready"), VideoStatus::kReady);
  EXPECT_FALSE(ParseStatus<VideoStatus>("Ready"));
  EXPECT_FALSE(ParseStatus<PlacementStatus>("deleted"));
}

TEST(StatusTest, CampaignGoesFromDraftThroughActiveAndPausedToCompleted) {
  using enum CampaignStatus;
  EXPECT_TRUE(CanMove(kDraft, kActive));
  EXPECT_TRUE(CanMove(kActive, kPaused));
  EXPECT_TRUE(CanMove(kPaused, kActive));
  EXPECT_TRUE(CanMove(kPaused, kCompleted));
  EXPECT_TRUE(CanMove(kActive, kCompleted));
  EXPECT_FALSE(CanMove(kDraft, kPaused));
  EXPECT_FALSE(CanMove(kDraft, kCompleted));
  EXPECT_FALSE(CanMove(kCompleted, kActive));
  EXPECT_FALSE(CanMove(kActive, kDraft));
}

TEST(StatusTest, VideoGoesFromProcessingToReadyToArchived) {
  using enum VideoStatus;
  EXPECT_TRUE(CanMove(kProcessing, kReady));
  EXPECT_TRUE(CanMove(kReady, kArchived));
  EXPECT_FALSE(CanMove(kProcessing, kArchived));
  EXPECT_FALSE(CanMove(kArchived, kReady));
  EXPECT_FALSE(CanMove(kReady, kProcessing));
}

TEST(StatusTest, PlacementMovesBetweenDraftAndActiveUntilArchived) {
  using enum PlacementStatus;
  EXPECT_TRUE(CanMove(kDraft, kActive));
  EXPECT_TRUE(CanMove(kActive, kDraft));
  EXPECT_TRUE(CanMove(kActive, kArchived));
  EXPECT_FALSE(CanMove(kDraft, kArchived));
  EXPECT_FALSE(CanMove(kArchived, kActive));
}

TEST(StatusTest, ValidationRunEndsOnce) {
  using enum ValidationRunStatus;
  EXPECT_TRUE(CanMove(kPending, kRunning));
  EXPECT_TRUE(CanMove(kRunning, kCompleted));
  EXPECT_TRUE(CanMove(kRunning, kFailed));
  EXPECT_FALSE(CanMove(kCompleted, kRunning));
  EXPECT_FALSE(CanMove(kPending, kCompleted));
}

TEST(PlacementRulesTest, PlacementMustEndWithinItsVideo) {
  const PlacementSurroundings video{.video_duration_ms = 60000};
  EXPECT_TRUE(CheckPlacementFits(TimeRange{50000, 60000}, video).empty());
  const auto errors = CheckPlacementFits(TimeRange{50000, 60001}, video);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].pointer, "/time_range/end_time");
  EXPECT_NE(errors[0].message.find("60.000"), std::string::npos);
}

TEST(PlacementRulesTest, SuspendedAdvertiserAndArchivedVideoTakeNoPlacements) {
  const PlacementSurroundings surroundings{.video_duration_ms = 60000,
                                           .video_status = VideoStatus::kArchived,
                                           .advertiser_status = AdvertiserStatus::kSuspended};
  const auto errors = CheckPlacementFits(TimeRange{0, 1000}, surroundings);
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].pointer, "/video_id");
  EXPECT_EQ(errors[1].pointer, "/product_id");
}

TEST(PlacementRulesTest, OverlapIsFoundAmongActiveRanges) {
  const std::vector<TimeRange> active = {{0, 10000}, {20000, 30000}};
  EXPECT_FALSE(FindOverlap(TimeRange{10000, 20000}, active));
  EXPECT_EQ(FindOverlap(TimeRange{25000, 40000}, active), 1U);
  EXPECT_EQ(FindOverlap(TimeRange{5000, 25000}, active), 0U);
}

TEST(CampaignRulesTest, EndDateMustFollowStartDate) {
  const auto start = *Date::Parse("2026-01-01");
  EXPECT_TRUE(ValidateCampaignDates(start, *Date::Parse("2026-01-02")).empty());
  EXPECT_EQ(ValidateCampaignDates(start, start).at(0).pointer, "/end_date");
  EXPECT_FALSE(ValidateCampaignDates(start, *Date::Parse("2025-12-31")).empty());
}

TEST(CampaignRulesTest, BudgetCannotShrinkBelowSpend) {
  EXPECT_TRUE(ValidateBudget(1000, 1000).empty());
  EXPECT_EQ(ValidateBudget(999, 1000).at(0).pointer, "/budget");
}

TEST(CampaignRulesTest, SpendNeverPassesTheBudget) {
  EXPECT_EQ(Spend(1000, 200, 300)->spent_hundredths, 500);
  EXPECT_FALSE(Spend(1000, 200, 300)->exhausted);
  EXPECT_TRUE(Spend(1000, 200, 800)->exhausted);
  EXPECT_FALSE(Spend(1000, 200, 801));
  EXPECT_FALSE(Spend(1000, 200, 0));
  EXPECT_FALSE(Spend(1000, 200, -5));
}

}  // namespace
}  // namespace nedlia::domain
