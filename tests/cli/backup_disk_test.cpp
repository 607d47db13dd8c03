// The start-up warning for backups that would die with the database's disk.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "cli/backup_jobs.hpp"
#include "cli/settings.hpp"

namespace nedlia::cli {
namespace {

namespace fs = std::filesystem;

dev_t DeviceOf(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status.st_dev;
}

TEST(BackupDiskTest, ADirectoryStoreBesideTheManagedClusterSharesItsDisk) {
  Settings settings;
  settings.pg_dir = fs::temp_directory_path() / "nedlia-disk-test" / "pg";  // not made yet
  settings.objects_dir = fs::temp_directory_path() / "nedlia-disk-test-objects";
  EXPECT_TRUE(BackupsShareTheDatabaseDisk(settings));

  Settings s3 = settings;
  s3.s3_endpoint = "http://127.0.0.1:9000";
  EXPECT_FALSE(BackupsShareTheDatabaseDisk(s3)) << "S3 is another machine's disk";
  Settings external = settings;
  external.database_url = "postgresql://127.0.0.1/nedlia";
  EXPECT_FALSE(BackupsShareTheDatabaseDisk(external)) << "no managed cluster to back up";
  Settings no_backups = settings;
  no_backups.backup_archive_wal = false;
  no_backups.backup_schedule_hours = 0;
  EXPECT_FALSE(BackupsShareTheDatabaseDisk(no_backups));

  if (!fs::is_directory("/dev/shm") || DeviceOf("/dev/shm") == DeviceOf(fs::temp_directory_path()))
    GTEST_SKIP() << "no second file system here to put the store on";
  Settings apart = settings;
  apart.objects_dir = "/dev/shm/nedlia-disk-test-objects";
  EXPECT_FALSE(BackupsShareTheDatabaseDisk(apart));
}

}  // namespace
}  // namespace nedlia::cli
