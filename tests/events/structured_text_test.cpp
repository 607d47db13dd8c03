#include "events/structured_text.hpp"

#include <gtest/gtest.h>

namespace nedlia::events {
namespace {

StoredEvent Row() {
  StoredEvent row;
  row.id = *domain::Uuid::Parse("0190f5a0-0000-7000-8000-00000000000a");
  row.type = "com.nedlia.video.deleted.v1";
  row.created_at_ms = 1'764'621'000'123;  // 2025-12-01T20:30:00.123Z
  return row;
}

TEST(StructuredTextTest, SplicesTheRowIntoTheObjectToStructuredBuilds) {
  StoredEvent row = Row();
  row.data = {{"video_id", "v"}, {"tags", {"a", "b\"c"}}};
  row.metadata = {{"specversion", "1.0"},
                  {"source", "/videos"},
                  {"subject", "s"},
                  {"datacontenttype", "application/json"},
                  {"traceparent", "00-ab-cd-01"},
                  {"deprecated", true}};
  nlohmann::json attributes = row.metadata;
  attributes.erase("specversion");

  const std::string text = StructuredText(row, attributes.dump(2), row.data.dump());

  EXPECT_EQ(nlohmann::json::parse(text), ToStructured(row.ToCloudEvent()));
  EXPECT_EQ(nlohmann::json::parse(text)["time"], "2025-12-01T20:30:00.123Z");
}

TEST(StructuredTextTest, EmptyAttributesLeaveAValidObject) {
  const std::string text = StructuredText(Row(), " { } ", R"({"n": 1})");
  const nlohmann::json json = nlohmann::json::parse(text);
  EXPECT_EQ(json["id"], "0190f5a0-0000-7000-8000-00000000000a");
  EXPECT_EQ(json["specversion"], "1.0");
  EXPECT_EQ(json["data"], nlohmann::json({{"n", 1}}));
  EXPECT_EQ(json.size(), 5U);
}

TEST(StructuredTextTest, AttributesThatAreNotAnObjectAreRefused) {
  EXPECT_THROW(StructuredText(Row(), "[1]", "{}"), std::invalid_argument);
  EXPECT_THROW(StructuredText(Row(), "", "{}"), std::invalid_argument);
}

}  // namespace
}  // namespace nedlia::events
