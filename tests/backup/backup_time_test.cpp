// Recovery target times and WAL names: what the PITR arithmetic rests on.
#include "backup/backup_time.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace nedlia::backup
