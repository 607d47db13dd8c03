#include "placement_files/placement_file_content.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <nlohmann/json.hpp>

namespace nedlia::placement_files {
namespace {

domain::Uuid Id(const char* text) {
  return *domain::Uuid::Parse(text);
}

VideoPlacements TwoPlacements() {
  return {.video_id = Id("00000000-0000-4000-8000-000000000001"),
          .placements = {{.id = Id("00000000-0000-4000-8000-00000000000a"),
                          .product_id = Id("00000000-0000-4000-8000-0000000000b1"),
                          .product_name = "Fizz --> Cola",
                          .advertiser_id = Id("00000000-0000-4000-8000-0000000000c1"),
                          .advertiser_name = "Acme\nDrinks",
                          .start_ms = 1500,
                          .end_ms = 4000,
                          .position_json = R"({"x": 0.1, "y": 0.2, "width": 0.3, "height": 0.4})"},
                         {.id = Id("00000000-0000-4000-8000-00000000000b"),
                          .product_id = Id("00000000-0000-4000-8000-0000000000b2"),
                          .product_name = "Chips",
                          .advertiser_id = Id("00000000-0000-4000-8000-0000000000c1"),
                          .advertiser_name = "Acme",
                          .start_ms = 3'723'004,
                          .end_ms = 3'725'000,
                          .position_json = std::nullopt}}};
}

TEST(PlacementFileContentTest, VttTimestampsAreHoursMinutesSecondsMillis) {
  EXPECT_EQ(VttTimestamp(0), "00:00:00.000");
  EXPECT_EQ(VttTimestamp(1500), "00:00:01.500");
  EXPECT_EQ(VttTimestamp(3'723'004), "01:02:03.004");
  EXPECT_EQ(VttTimestamp(360'000'000), "100:00:00.000");
}

TEST(PlacementFileContentTest, VttHasTheHeaderAndOneJsonCuePerPlacement) {
  const std::string vtt = RenderVtt(TwoPlacements());
  ASSERT_TRUE(vtt.starts_with("WEBVTT"));
  EXPECT_EQ(vtt.find("\n\n00000000-0000-4000-8000-00000000000a\n00:00:01.500 --> 00:00:04.000\n"),
            vtt.find("\n\n"));
  EXPECT_NE(vtt.find("\n01:02:03.004 --> 01:02:05.000\n"), std::string::npos);
  // The cue text is one line of JSON; "-->" and raw newlines from names cannot end it early.
  const auto cue = vtt.find("{\"advertiser_id\"");
  const std::string payload = vtt.substr(cue, vtt.find('\n', cue) - cue);
  EXPECT_EQ(payload.find("-->"), std::string::npos);
  const nlohmann::json data = nlohmann::json::parse(payload);
  EXPECT_EQ(data["product_name"], "Fizz --> Cola");
  EXPECT_EQ(data["advertiser_name"], "Acme\nDrinks");
  EXPECT_EQ(data["position"]["width"], 0.3);
  EXPECT_EQ(std::count(vtt.begin(), vtt.end(), '>'), 2);  // the two cue arrows only
}

TEST(PlacementFileContentTest, ManifestNamesTheTrackAndUsesTheApiUnits) {
  const nlohmann::json manifest =
      nlohmann::json::parse(RenderManifest(TwoPlacements(), "/files/placements/v/t.vtt"));
  EXPECT_EQ(manifest["video_id"], "00000000-0000-4000-8000-000000000001");
  EXPECT_EQ(manifest["webvtt_url"], "/files/placements/v/t.vtt");
  ASSERT_EQ(manifest["placements"].size(), 2u);
  const nlohmann::json& first = manifest["placements"][0];
  EXPECT_EQ(first["placement_id"], "00000000-0000-4000-8000-00000000000a");
  EXPECT_EQ(first["product"]["name"], "Fizz --> Cola");
  EXPECT_EQ(first["advertiser"]["id"], "00000000-0000-4000-8000-0000000000c1");
  EXPECT_EQ(first["time_range"]["start_time"], 1.5);
  EXPECT_EQ(first["time_range"]["end_time"], 4);
  EXPECT_TRUE(manifest["placements"][1]["position"].is_null());
}

TEST(PlacementFileContentTest, SamePlacementsGiveTheSameBytes) {
  EXPECT_EQ(RenderManifest(TwoPlacements(), "u"), RenderManifest(TwoPlacements(), "u"));
  EXPECT_EQ(RenderVtt(TwoPlacements()), RenderVtt(TwoPlacements()));
  EXPECT_EQ(RenderVtt({.video_id = TwoPlacements().video_id, .placements = {}}),
            "WEBVTT - Nedlia placements of video 00000000-0000-4000-8000-000000000001\n\n");
}

}  // namespace
}  // namespace nedlia::placement_files
