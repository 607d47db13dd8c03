#include "events/data_check.hpp"

#include <gtest/gtest.h>

#include "events/catalog.hpp"

namespace nedlia::events {
namespace {

using nlohmann::json;

constexpr std::string_view kUpdated = R"yaml(
type: com.nedlia.placement.updated
version: 1
description: Emitted when a placement is modified
data:
  placement_id:
    type: string
    format: uuid
    required: true
  changes:
    type: object
    required: true
    properties:
      description:
        type: string
        nullable: true
        maxLength: 5
      status:
        type: string
        enum: [draft, active, archived]
      time_range:
        type: object
        properties:
          start_time:
            type: number
            minimum: 0
            required: true
      tags:
        type: array
        items:
          type: integer
      extra:
        type: object
        additional_properties: true
  new_version:
    type: integer
  at:
    type: string
    format: date-time
consumers: []
)yaml";

class DataCheckTest : public ::testing::Test {
 protected:
  std::vector<SchemaViolation> Check(const json& data) {
    return CheckData(catalog_.Entries().front().data, data);
  }
  std::string Only(const json& data) {
    const auto violations = Check(data);
    if (violations.size() != 1)
      return std::to_string(violations.size()) + " violations";
    return violations[0].pointer + " " + violations[0].message;
  }

  Catalog catalog_ = Catalog::Parse({{"placement.updated.v1.yaml", kUpdated}});
  const std::string id_ = "0190f6d2-7a3e-7c4b-8d5e-0123456789ab";
};

TEST_F(DataCheckTest, ConformingDataHasNoViolation) {
  EXPECT_TRUE(Check({{"placement_id", id_},
                     {"changes",
                      {{"description", nullptr},
                       {"status", "active"},
                       {"time_range", {{"start_time", 12.5}}},
                       {"tags", {1, 2}},
                       {"extra", {{"anything", {1, "goes"}}}}}},
                     {"new_version", 2},
                     {"at", "2026-11-25T17:00:00.123+01:00"}})
                  .empty());
}

TEST_F(DataCheckTest, EachViolationNamesItsField) {
  const json changes = json::object();
  EXPECT_EQ(Only({{"changes", changes}}), "/placement_id is required");
  EXPECT_EQ(Only({{"placement_id", "abc"}, {"changes", changes}}),
            "/placement_id must be a valid uuid");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", changes}, {"new_version", 1.5}}),
            "/new_version must be an integer");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", changes}, {"new_version", nullptr}}),
            "/new_version must not be null");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", {{"status", "gone"}}}}),
            "/changes/status must be one of the listed values, not \"gone\"");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", {{"description", "ééééé"}}}}),
            "0 violations");  // five characters, ten bytes
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", {{"description", "toolong"}}}}),
            "/changes/description must be at most 5 characters");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", {{"time_range", {{"start_time", -1}}}}}}),
            "/changes/time_range/start_time must be at least 0");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", {{"tags", {1, "two"}}}}}),
            "/changes/tags/1 must be an integer");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", changes}, {"at", "2026-02-30T00:00:00Z"}}),
            "/at must be a valid date-time");
}

TEST_F(DataCheckTest, ObjectsAreClosed) {
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", {{"colour", "red"}}}}),
            "/changes/colour is not a field of this event (the schema is closed)");
  EXPECT_EQ(Only({{"placement_id", id_}, {"changes", json::object()}, {"a/b", 1}}),
            "/a~1b is not a field of this event (the schema is closed)");
  EXPECT_EQ(CheckData(catalog_.Entries().front().data, json::array()).at(0).message,
            "the data of an event must be a JSON object");
}

}  // namespace
}  // namespace nedlia::events
