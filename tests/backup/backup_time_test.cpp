// Recovery target times and WAL names: what the PITR arithmetic rests on.
#include "backup/backup_time.hpp"

#include <gtest/gtest.h>

#include "backup/backup_error.hpp"
#include "backup/backup_manifest.hpp"
#include "backup/wal_archive.hpp"

namespace nedlia::backup {
namespace {

TEST(BackupTimeTest, ParsesIsoAndPostgresTextInAnyZone) {
  const auto utc = ParseTimestamp("2026-12-02T02:15:00.123456Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(FormatTimestamp(*utc), "2026-12-02T02:15:00.123456Z");
  EXPECT_EQ(ParseTimestamp("2026-12-02 03:15:00.123456+01"), utc);
  EXPECT_EQ(ParseTimestamp("2026-12-01 21:45:00.123456-04:30"), utc);
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2026-12-02T02:15:00Z")),
            "2026-12-02T02:15:00.000000Z");
  EXPECT_EQ(FormatPostgresTimestamp(*utc), "2026-12-02 02:15:00.123456+00");
}

TEST(BackupTimeTest, RefusesTextThatIsNotATimeWithAZone) {
  EXPECT_FALSE(ParseTimestamp("2026-12-02T02:15:00"));  // no zone: ambiguous
  EXPECT_FALSE(ParseTimestamp("2026-02-30T02:15:00Z"));
  EXPECT_FALSE(ParseTimestamp("yesterday"));
  EXPECT_FALSE(ParseTimestamp("2026-12-02T25:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2026-12-02T02:15:00Zjunk"));
}

// fuzz/backup_manifest requires every time read to be written back as itself. It was not for a
// sign read as part of a number ("-001" a year, "-1" an hour), offsets of 99 hours, and times
// whose UTC year FormatTimestamp cannot write in four digits.
TEST(BackupTimeTest, EveryTimeReadIsWrittenBackAsItself) {
  EXPECT_FALSE(ParseTimestamp("-001-01-01T00:00:00Z"));
  EXPECT_FALSE(ParseTimestamp("2026-12-02T-1:15:00Z"));
  EXPECT_FALSE(ParseTimestamp("2026-12-02T02:15:00+99:99"));
  EXPECT_FALSE(ParseTimestamp("2026-12-02T02:15:00+16"));
  EXPECT_FALSE(ParseTimestamp("0001-01-01T00:00:00+01:00"));  // year 0 in UTC
  EXPECT_FALSE(ParseTimestamp("9999-12-31T23:00:00-01:00"));  // year 10000 in UTC
  for (const char* text : {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
                           "2026-12-02T02:15:00+15:59", "2026-12-02T02:15:00-15:59"}) {
    const auto time = ParseTimestamp(text);
    ASSERT_TRUE(time) << text;
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(*time)), time) << text;
  }
}

TEST(BackupTimeTest, WalFileNamesFollowPostgres) {
  EXPECT_EQ(WalFileName(1, "0/2000028"), "000000010000000000000002");
  EXPECT_EQ(WalFileName(3, "1/FF000000"), "0000000300000001000000FF");
  EXPECT_TRUE(IsWalFileName("000000010000000000000002"));
  EXPECT_TRUE(IsWalFileName("00000002.history"));
  EXPECT_TRUE(IsWalFileName("000000010000000000000002.00000028.backup"));
  EXPECT_TRUE(IsWalFileName("000000010000000000000002.partial"));
  EXPECT_FALSE(IsWalFileName("../../etc/passwd"));
  EXPECT_FALSE(IsWalFileName("00000001000000000000000g"));
}

// sscanf("%X/%X") took " 1/2", "-1/2" and "0x1/2" for positions.
TEST(BackupTimeTest, AWalPositionIsTwoGroupsOfHexDigits) {
  for (const char* text : {" 1/2", "-1/2", "0x1/2", "1/", "/2", "123456789/0", "1/2x", "1"})
    EXPECT_THROW(WalFileName(1, text), BackupError) << text;
}

}  // namespace
}  // namespace nedlia::backup
