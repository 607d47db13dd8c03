// COPY's text rows turned into row_to_json's JSON, for the cases the database tests' data does
// not reach (the archiver tests compare whole rows with row_to_json byte for byte).
#include "archive/row_json.hpp"

#include <gtest/gtest.h>

#include "archive/archive_codec.hpp"

namespace nedlia::testing {
namespace {

using archive::JsonKind;

TEST(RowJsonTest, EachKindIsWrittenAsRowToJsonWritesIt) {
  archive::RowJson row({{"n", JsonKind::kNumber},
                        {"f", JsonKind::kNumber},
                        {"ok", JsonKind::kBoolean},
                        {"doc", JsonKind::kJson},
                        {"at", JsonKind::kTimestampTz},
                        {"local", JsonKind::kTimestamp},
                        {"text", JsonKind::kString},
                        {"gone", JsonKind::kString}});
  std::string json;
  row.Convert(
      "10.500\tNaN\tt\t{\"a\": [1, 2]}\t2024-06-01 12:00:00.5+05:30\t2024-06-01 12:00:00\t"
      "tab\\there \\\\ \\\"q\\\" \\001 caf\\303\\251 \\x41\t\\N",
      json);
  EXPECT_EQ(json,
            "{\"n\":10.500,\"f\":\"NaN\",\"ok\":true,\"doc\":{\"a\": [1, 2]},"
            "\"at\":\"2024-06-01T12:00:00.5+05:30\",\"local\":\"2024-06-01T12:00:00\","
            "\"text\":\"tab\\there \\\\ \\\"q\\\" \\u0001 café A\",\"gone\":null}");
  EXPECT_EQ(row.Field(6), "tab\there \\ \"q\" \x01 café A");
  EXPECT_EQ(row.Field(7), "");
}

TEST(RowJsonTest, TimestampsGetTheMinutesOfTheirOffset) {
  EXPECT_EQ(archive::JsonTimestampText("2024-06-01 00:00:01+00"), "2024-06-01T00:00:01+00:00");
  EXPECT_EQ(archive::JsonTimestampText("2024-06-01 00:00:01.25-08"),
            "2024-06-01T00:00:01.25-08:00");
  EXPECT_EQ(archive::JsonTimestampText("infinity"), "infinity");
}

TEST(RowJsonTest, LineBreaksInAJsonValueBecomeSpacesSoTheRowStaysOneLine) {
  archive::RowJson row({{"doc", JsonKind::kJson}});
  std::string json;
  row.Convert("[1,\\n 2]", json);
  EXPECT_EQ(json, "{\"doc\":[1,  2]}");
}

TEST(RowJsonTest, ARowWithTheWrongNumberOfFieldsIsRefused) {
  archive::RowJson row({{"a", JsonKind::kString}, {"b", JsonKind::kString}});
  std::string json;
  EXPECT_THROW(row.Convert("only one", json), archive::ArchiveError);
  EXPECT_THROW(row.Convert("1\t2\t3", json), archive::ArchiveError);
}

TEST(RowJsonTest, ArrayColumnsAreRefused) {
  EXPECT_THROW(archive::JsonKindOf("tags", "text[]"), archive::ArchiveError);
  EXPECT_EQ(archive::JsonKindOf("at", "timestamp with time zone"), JsonKind::kTimestampTz);
  EXPECT_EQ(archive::JsonKindOf("at", "timestamp(3) without time zone"), JsonKind::kTimestamp);
  EXPECT_EQ(archive::JsonKindOf("x", "numeric(10,3)"), JsonKind::kNumber);
  EXPECT_EQ(archive::JsonKindOf("x", "xid8"), JsonKind::kString);
}

}  // namespace
}  // namespace nedlia::testing
