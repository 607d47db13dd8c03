// Retention over backdated backups, and WAL archiving against an object store that is down.
// Runs nedlia against object stores of the test's own; needs no database.
#include <gtest/gtest.h>

#include <fstream>

#include "backup/backup_manifest.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "support/backup_cluster.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;
using backup::BackupKind;
using backup::BackupManifest;

std::string Segment(int number) {
  char name[25];
  std::snprintf(name, sizeof name, "%08X%08X%08X", 1, 0, number);
  return name;
}

class BackupRetentionTest : public ::testing::Test {
 protected:
  // A manifest (and its one file) finished `days_ago`, as if taken then.
  void PutBackup(const std::string& id, BackupKind kind, int days_ago, int first_segment) {
    BackupManifest manifest;
    manifest.kind = kind;
    manifest.id = id;
    manifest.finished_at = backup::Now() - std::chrono::days(days_ago);
    manifest.started_at = manifest.finished_at - std::chrono::minutes(1);
    manifest.pg_version = "15";
    if (kind == BackupKind::kBase) {
      manifest.timeline = 1;
      manifest.start_lsn = "0/" + std::to_string(first_segment) + "000028";
      manifest.stop_lsn = manifest.start_lsn;
      manifest.start_wal = Segment(first_segment);
    } else {
      manifest.database = "postgresql://postgres@127.0.0.1/nedlia";
    }
    const std::string key = backup::FileKey(id, "data");
    store_.Put(key, "bytes", {});
    manifest.files.push_back({"data", key, 5, "unused"});
    store_.Put(backup::ManifestKey(id), backup::ToJson(manifest), {});
  }

  bool Has(const std::string& key) { return store_.Head(key).has_value(); }
  bool HasBackup(const std::string& id) { return Has(backup::ManifestKey(id)); }
  bool HasWal(const std::string& name) { return Has("wal/" + name + ".zst"); }

  void PutHistory() {
    for (int segment = 1; segment <= 10; ++segment) {
      store_.Put("wal/" + Segment(segment) + ".zst", "x", {});
    }
    store_.Put("wal/00000002.history.zst", "x", {});
    PutBackup("base-100", BackupKind::kBase, 100, 2);
    PutBackup("base-50", BackupKind::kBase, 50, 5);
    PutBackup("base-1", BackupKind::kBase, 1, 9);
    PutBackup("logical-60", BackupKind::kLogical, 60, 0);
    PutBackup("logical-2", BackupKind::kLogical, 2, 0);
  }

  BackupCluster cluster_;
  object_stores::FilesystemObjectStore store_{cluster_.Objects()};
};

TEST_F(BackupRetentionTest, PruneKeepsTheWindowItsAnchorAndTheWalTheyNeed) {
  PutHistory();
  const auto pruned = cluster_.Nedlia("backup prune");  // 35 days by default
  ASSERT_EQ(pruned.exit_code, 0) << pruned.output;
  EXPECT_FALSE(HasBackup("base-100"));
  EXPECT_FALSE(Has(backup::FileKey("base-100", "data")));
  EXPECT_TRUE(HasBackup("base-50")) << "the anchor of the window's first day";
  EXPECT_TRUE(HasBackup("base-1"));
  EXPECT_FALSE(HasBackup("logical-60"));
  EXPECT_TRUE(HasBackup("logical-2"));
  for (int segment = 1; segment <= 4; ++segment) {
    EXPECT_FALSE(HasWal(Segment(segment))) << segment;
  }
  for (int segment = 5; segment <= 10; ++segment) {
    EXPECT_TRUE(HasWal(Segment(segment))) << segment;
  }
  EXPECT_TRUE(HasWal("00000002.history"));
}

TEST_F(BackupRetentionTest, DryRunAndAShortWindowKeepTheNewestBackup) {
  PutHistory();
  const auto dry = cluster_.Nedlia("backup prune --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_TRUE(HasBackup("base-100"));
  EXPECT_TRUE(HasWal(Segment(1)));
  EXPECT_NE(dry.output.find("would delete backup base-100"), std::string::npos) << dry.output;

  const auto pruned = cluster_.Nedlia("backup prune --days 1");
  ASSERT_EQ(pruned.exit_code, 0) << pruned.output;
  EXPECT_TRUE(HasBackup("base-1")) << "the newest base backup is never pruned";
  EXPECT_TRUE(HasBackup("logical-2")) << "nor the newest logical one";
  EXPECT_FALSE(HasBackup("base-50"));
  EXPECT_FALSE(HasWal(Segment(8)));
  EXPECT_TRUE(HasWal(Segment(9)));
}

TEST_F(BackupRetentionTest, PruneWithoutABaseBackupDeletesNoWal) {
  store_.Put("wal/" + Segment(1) + ".zst", "x", {});
  const auto pruned = cluster_.Nedlia("backup prune --days 1");
  ASSERT_EQ(pruned.exit_code, 0) << pruned.output;
  EXPECT_TRUE(HasWal(Segment(1)));
}

TEST_F(BackupRetentionTest, WalPushIsIdempotentAndNeverOverwrites) {
  const fs::path segment = cluster_.Root() / "segment";
  std::ofstream(segment) << "wal bytes";
  const std::string push = "backup wal-push " + ShellQuote(segment.string()) + " " + Segment(3);
  const auto first = cluster_.Nedlia(push);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const auto again = cluster_.Nedlia(push);
  EXPECT_EQ(again.exit_code, 0) << again.output;
  std::ofstream(segment) << "other bytes";
  const auto different = cluster_.Nedlia(push);
  EXPECT_NE(different.exit_code, 0) << different.output;
  EXPECT_NE(different.output.find("refusing to overwrite"), std::string::npos) << different.output;

  const fs::path fetched = cluster_.Root() / "fetched";
  const auto fetch =
      cluster_.Nedlia("backup wal-fetch " + Segment(3) + " " + ShellQuote(fetched.string()));
  ASSERT_EQ(fetch.exit_code, 0) << fetch.output;
  EXPECT_EQ(fs::status(fetched).permissions(), fs::perms::owner_read | fs::perms::owner_write)
      << "WAL is nobody else's";
  std::ifstream in(fetched);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "wal bytes");
  EXPECT_EQ(cluster_.Nedlia("backup wal-fetch " + Segment(4) + " " + ShellQuote(fetched.string()))
                .exit_code,
            1)
      << "an absent segment is the end of the archive";
}

// An S3 store on a port nothing listens on: the outage archive_command and retention meet.
TEST_F(BackupRetentionTest, AStoreThatIsDownFailsWalPushAndPruneDeletesNothing) {
  PutHistory();
  const std::string down =
      "NEDLIA_S3_ENDPOINT=http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) +
      " NEDLIA_S3_BUCKET=b NEDLIA_S3_ACCESS_KEY_ID=k "
      "NEDLIA_S3_SECRET_ACCESS_KEY=s ";
  const fs::path segment = cluster_.Root() / "segment";
  std::ofstream(segment) << "wal bytes";
  const auto push = RunCommand(down + ShellQuote(NedliaBinary()) + " backup wal-push " +
                               ShellQuote(segment.string()) + " " + Segment(11) + " 2>&1");
  EXPECT_NE(push.exit_code, 0) << push.output;
  EXPECT_EQ(push.output.rfind("nedlia: ", 0), 0U) << push.output;

  const auto fetch =
      RunCommand(down + ShellQuote(NedliaBinary()) + " backup wal-fetch " + Segment(1) + " " +
                 ShellQuote((cluster_.Root() / "f").string()) + " 2>&1");
  EXPECT_GT(fetch.exit_code, 128) << "recovery must stop, not end early: " << fetch.output;

  const auto prune = RunCommand(down + ShellQuote(NedliaBinary()) + " backup prune --days 1 2>&1");
  EXPECT_NE(prune.exit_code, 0) << prune.output;
  // The filesystem store still holds everything.
  EXPECT_TRUE(HasBackup("base-100"));
  EXPECT_TRUE(HasWal(Segment(1)));
}

}  // namespace
}  // namespace nedlia::testing
