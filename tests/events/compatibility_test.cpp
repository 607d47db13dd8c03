#include "events/compatibility.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nedlia::events {
namespace {

constexpr std::string_view kBase = R"yaml(
type: com.nedlia.placement.created
version: 1
description: Emitted when a new placement is created
data:
  placement_id:
    type: string
    format: uuid
    required: true
  status:
    type: string
    enum: [draft, active]
  count:
    type: integer
    minimum: 0
  time_range:
    type: object
    properties:
      start_time:
        type: number
        required: true
consumers: [notifier]
)yaml";

std::string Edited(std::string_view from, std::string_view to) {
  std::string text(kBase);
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return text;
}

/// The changes from kBase to `head`, one Describe() line each.
std::vector<std::string> Changes(const std::string& head) {
  const Catalog base = Catalog::Parse({{"placement.created.v1.yaml", kBase}});
  const Catalog next = Catalog::Parse({{"placement.created.v1.yaml", head}});
  std::vector<std::string> lines;
  for (const SchemaChange& change : Compare(base, next))
    lines.push_back(Describe(change));
  return lines;
}

constexpr std::string_view kPrefix = "com.nedlia.placement.created.v1: ";
constexpr std::string_view kBreaking =
    " (breaking: publish it as com.nedlia.placement.created.v2, a new file, and keep this "
    "version as it was)";

std::string Line(std::string_view field, std::string_view what, bool breaking) {
  return std::string(kPrefix) + "field " + std::string(field) + ": " + std::string(what) +
         (breaking ? std::string(kBreaking) : "");
}

TEST(CompatibilityTest, NoChangeNoFinding) {
  EXPECT_TRUE(Changes(std::string(kBase)).empty());
}

TEST(CompatibilityTest, SafeChangesAreCompatible) {
  EXPECT_EQ(Changes(Edited("consumers:", "  note:\n    type: string\nconsumers:")),
            std::vector<std::string>{Line("note", "optional field added", false)});
  EXPECT_EQ(Changes(Edited("enum: [draft, active]", "enum: [draft, active, archived]")),
            std::vector<std::string>{Line("status", "value \"archived\" now allowed", false)});
  EXPECT_EQ(Changes(Edited("    minimum: 0\n", "")),
            std::vector<std::string>{Line("count", "minimum 0 -> none", false)});
  EXPECT_EQ(
      Changes(Edited("    format: uuid\n    required: true", "    required: false")),
      (std::vector<std::string>{Line("placement_id", "made optional", false),
                                Line("placement_id", "format uuid no longer required", false)}));
  EXPECT_EQ(Changes(Edited("type: integer", "type: number")),
            std::vector<std::string>{Line("count", "type relaxed from integer to number", false)});
  EXPECT_EQ(Changes(Edited("    type: integer", "    type: integer\n    description: how many")),
            std::vector<std::string>{});
}

TEST(CompatibilityTest, BreakingChangesSayANewVersionIsNeeded) {
  EXPECT_EQ(Changes(Edited("  count:\n    type: integer\n    minimum: 0\n", "")),
            std::vector<std::string>{Line(
                "count", "field removed (or renamed): readers of old events still find it", true)});
  EXPECT_EQ(
      Changes(Edited("  count:", "  total:")),
      (std::vector<std::string>{
          Line("count", "field removed (or renamed): readers of old events still find it", true),
          Line("total", "optional field added", false)}));
  EXPECT_EQ(Changes(Edited("type: integer\n    minimum: 0", "type: string")),
            std::vector<std::string>{Line("count", "type changed from integer to string", true)});
  EXPECT_EQ(
      Changes(Edited("    enum: [draft, active]", "    enum: [draft, active]\n    required: true")),
      std::vector<std::string>{Line("status", "made required", true)});
  EXPECT_EQ(
      Changes(Edited("consumers:", "  note:\n    type: string\n    required: true\nconsumers:")),
      std::vector<std::string>{
          Line("note", "required field added: old events do not have it", true)});
  EXPECT_EQ(Changes(Edited("enum: [draft, active]", "enum: [draft]")),
            std::vector<std::string>{Line("status", "value \"active\" no longer allowed", true)});
  EXPECT_EQ(Changes(Edited("minimum: 0", "minimum: 1")),
            std::vector<std::string>{Line("count", "minimum 0 -> 1", true)});
  EXPECT_EQ(Changes(Edited("        type: number", "        type: string")),
            std::vector<std::string>{
                Line("time_range.start_time", "type changed from number to string", true)});
}

TEST(CompatibilityTest, PersonalDataMayLeaveAVersionButNeverComeBack) {
  const std::string redacted =
      Edited("    format: uuid\n    required: true",
             "    format: uuid\n    required: true\n    sensitive: true\n    redacted: gone");
  EXPECT_EQ(Changes(redacted),
            std::vector<std::string>{
                Line("placement_id", "now sensitive: events carry \"gone\" in its place", false)});
  const Catalog base = Catalog::Parse({{"placement.created.v1.yaml", redacted}});
  const Catalog head = Catalog::Parse({{"placement.created.v1.yaml", kBase}});
  const std::vector<SchemaChange> back = Compare(base, head);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(
      Describe(back[0]),
      Line("placement_id", "no longer sensitive: personal data would go into events again", true));
}

TEST(CompatibilityTest, TypesAddedAndRemoved) {
  const Catalog base = Catalog::Parse({{"placement.created.v1.yaml", kBase}});
  const std::string v2 = Edited("version: 1", "version: 2");
  const Catalog head =
      Catalog::Parse({{"placement.created.v1.yaml", kBase}, {"placement.created.v2.yaml", v2}});
  const auto added = Compare(base, head);
  ASSERT_EQ(added.size(), 1U);
  EXPECT_EQ(Describe(added[0]), "com.nedlia.placement.created.v2: new version");
  EXPECT_EQ(added[0].compatibility, Compatibility::kCompatible);
  const auto removed = Compare(head, base);
  ASSERT_EQ(removed.size(), 1U);
  EXPECT_EQ(removed[0].compatibility, Compatibility::kBreaking);
  EXPECT_EQ(removed[0].type, "com.nedlia.placement.created.v2");
}

}  // namespace
}  // namespace nedlia::events
