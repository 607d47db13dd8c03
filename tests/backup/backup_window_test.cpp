// NEDLIA_BACKUP_WINDOW: when scheduled base backups may start, and when one is due.
#include "backup/backup_window.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nedlia::backup {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

Timestamp At(const char* text) {
  const auto time = ParseTimestamp(text);
  EXPECT_TRUE(time) << text;
  return time.value_or(Timestamp{});
}

TEST(BackupWindowTest, TheDefaultIsTheSpecificationsHourAndEndsAreHalfOpen) {
  const BackupWindow window = BackupWindow::Parse("03:00-04:00");
  EXPECT_EQ(window.Describe(), "03:00-04:00 UTC");
  EXPECT_EQ(window.Length(), hours(1));
  EXPECT_FALSE(window.Contains(At("2026-12-06T02:59:59Z")));
  EXPECT_TRUE(window.Contains(At("2026-12-06T03:00:00Z")));
  EXPECT_TRUE(window.Contains(At("2026-12-06T03:59:59Z")));
  EXPECT_FALSE(window.Contains(At("2026-12-06T04:00:00Z")));
  EXPECT_TRUE(window.Contains(At("2026-12-06T05:30:00+02:00"))) << "03:30 UTC";
}

TEST(BackupWindowTest, AWindowMayWrapPastMidnight) {
  const BackupWindow window = BackupWindow::Parse("23:30-00:30");
  EXPECT_EQ(window.Length(), hours(1));
  EXPECT_TRUE(window.Contains(At("2026-12-06T23:45:00Z")));
  EXPECT_TRUE(window.Contains(At("2026-12-07T00:15:00Z")));
  EXPECT_FALSE(window.Contains(At("2026-12-07T00:30:00Z")));
  EXPECT_FALSE(window.Contains(At("2026-12-06T12:00:00Z")));
  EXPECT_TRUE(BackupWindow::Parse("any").Contains(At("2026-12-06T12:00:00Z")));
}

TEST(BackupWindowTest, AnythingElseIsRefusedNamingTheText) {
  for (const char* bad : {"", "3:00-4:00", "03:00", "03:00-24:00", "03:60-04:00", "04:00-04:00",
                          "03:00-04:00x", "03:00--04:00", "always", "03:00 - 04:00"}) {
    try {
      BackupWindow::Parse(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("NEDLIA_BACKUP_WINDOW must be HH:MM-HH:MM"),
                std::string::npos);
      EXPECT_NE(std::string(error.what()).find(std::string("'") + bad + "'"), std::string::npos);
    }
  }
}

TEST(BackupWindowTest, ABackupIsDueOnceADayInsideTheWindow) {
  const BackupWindow window = BackupWindow::Parse("03:00-04:00");
  const hours day(24);
  EXPECT_TRUE(ScheduledBackupDue(std::nullopt, At("2026-12-06T12:00:00Z"), day, window))
      << "the first backup does not wait for the window";
  const Timestamp yesterday = At("2026-12-05T03:10:00Z");
  EXPECT_FALSE(ScheduledBackupDue(yesterday, At("2026-12-06T02:50:00Z"), day, window));
  EXPECT_TRUE(ScheduledBackupDue(yesterday, At("2026-12-06T03:00:00Z"), day, window));
  EXPECT_FALSE(ScheduledBackupDue(yesterday, At("2026-12-06T12:00:00Z"), day, window))
      << "overdue, but outside the window";
  EXPECT_FALSE(
      ScheduledBackupDue(At("2026-12-06T03:05:00Z"), At("2026-12-06T03:15:00Z"), day, window))
      << "taken in this window already";
  // Yesterday's backup ended late in its window: today's still starts in this one.
  EXPECT_TRUE(
      ScheduledBackupDue(At("2026-12-05T03:58:00Z"), At("2026-12-06T03:05:00Z"), day, window));
  EXPECT_TRUE(ScheduledBackupDue(At("2026-12-06T03:05:00Z"), At("2026-12-06T15:05:00Z"), hours(12),
                                 BackupWindow::Any()));
}

}  // namespace
}  // namespace nedlia::backup
