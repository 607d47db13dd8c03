// The catalog's rules: a video's own fields, its lifecycle and the placements it must hold.
#include "domain/video_rules.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nedlia::domain {
namespace {

std::string Pointers(const FieldErrors& errors) {
  std::string pointers;
  for (const auto& error : errors)
    pointers += (pointers.empty() ? "" : " ") + error.pointer;
  return pointers;
}

TEST(VideoRulesTest, AVideoNeedsATitleAPositiveDurationAndAUsableUrl) {
  Video video{.title = "Trailer", .duration_ms = 1, .source_url = "https://cdn.example/t.mp4"};
  EXPECT_TRUE(Validate(video).empty());
  video.source_url.reset();
  EXPECT_TRUE(Validate(video).empty());

  const Video bad{.title = " ", .duration_ms = 0, .source_url = "file:///etc/passwd"};
  EXPECT_EQ(Pointers(Validate(bad)), "/title /duration /source_url");
  EXPECT_EQ(Pointers(Validate({.title = std::string(256, 'x'), .duration_ms = -5})),
            "/title /duration");
  EXPECT_EQ(Pointers(Validate({.title = "T", .duration_ms = kMaxMilliseconds + 1})), "/duration");
  EXPECT_TRUE(Validate({.title = std::string(255, 'x'), .duration_ms = kMaxMilliseconds}).empty());
}

TEST(VideoRulesTest, ANewVideoIsProcessingOrReady) {
  EXPECT_TRUE(ValidateNewVideoStatus(VideoStatus::kProcessing).empty());
  EXPECT_TRUE(ValidateNewVideoStatus(VideoStatus::kReady).empty());
  EXPECT_EQ(Pointers(ValidateNewVideoStatus(VideoStatus::kArchived)), "/status");
}

TEST(VideoRulesTest, StatusMovesForwardOneStepAtATime) {
  using enum VideoStatus;
  EXPECT_TRUE(CheckVideoMove(kProcessing, kReady).empty());
  EXPECT_TRUE(CheckVideoMove(kReady, kArchived).empty());
  EXPECT_TRUE(CheckVideoMove(kReady, kReady).empty());
  EXPECT_EQ(Pointers(CheckVideoMove(kProcessing, kArchived)), "/status");
  EXPECT_EQ(Pointers(CheckVideoMove(kReady, kProcessing)), "/status");
  EXPECT_EQ(Pointers(CheckVideoMove(kArchived, kReady)), "/status");
}

TEST(VideoRulesTest, ShorteningIsRefusedWhilePlacementsEndAfterTheNewEnd) {
  EXPECT_TRUE(CheckShortening(30'000, 0).empty());
  const FieldErrors one = CheckShortening(30'000, 1);
  ASSERT_EQ(one.size(), 1U);
  EXPECT_EQ(one[0].pointer, "/duration");
  EXPECT_NE(one[0].message.find("1 placement ends after 30.000 seconds"), std::string::npos)
      << one[0].message;
  EXPECT_NE(CheckShortening(12'500, 3)[0].message.find("3 placements end after 12.500"),
            std::string::npos);
}

}  // namespace
}  // namespace nedlia::domain
