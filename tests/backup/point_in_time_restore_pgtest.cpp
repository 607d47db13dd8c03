// Base backups, WAL archiving and point-in-time restore end to end: a managed cluster of the
// test's own archives into a filesystem object store; restores start as clusters of their own.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>

#include "object_stores/filesystem_object_store.hpp"
#include "support/backup_cluster.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

// The id `backup create` printed ("backup <id> created (...)").
std::string CreatedId(const std::string& output) {
  std::smatch match;
  if (!std::regex_search(output, match, std::regex("backup (\\S+) created"))) {
    ADD_FAILURE() << "no backup id in: " << output;
    return "";
  }
  return match[1];
}

// The stored object's path in the filesystem store.
fs::path ObjectPath(const BackupCluster& cluster, const std::string& id, const char* name) {
  return cluster.Objects() / "backups" / id / name;
}

std::size_t LineCount(const std::string& text) {
  std::size_t lines = 0;
  for (const char c : text) {
    lines += c == '\n' ? 1 : 0;
  }
  return lines;
}

struct stat StatusOf(const fs::path& path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status;
}

unsigned ModeOf(const fs::path& path) {
  return StatusOf(path).st_mode & 07777;
}

class PointInTimeRestoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.Start(cluster_.Home(), cluster_.Port());
    cluster_.Query(cluster_.Port(), "CREATE TABLE letters (letter text)");
  }

  std::string CreateBackup() {
    const auto created = cluster_.Nedlia("backup create");
    EXPECT_EQ(created.exit_code, 0) << created.output;
    return CreatedId(created.output);
  }

  BackupCluster cluster_;
};

TEST_F(PointInTimeRestoreTest, RestoreToATimeKeepsEarlierWritesAndDropsLaterOnes) {
  CreateBackup();
  const int port = cluster_.Port();
  cluster_.Query(port, "INSERT INTO letters VALUES ('A')");
  const std::string target = cluster_.Query(port,
                                            "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                                            "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
  cluster_.Query(port, "INSERT INTO letters VALUES ('B')");
  cluster_.SwitchAndArchiveWal(port);

  const fs::path restored = cluster_.Root() / "restored";
  const auto restore = cluster_.Nedlia("backup restore --target-time " + target + " --to " +
                                       ShellQuote(restored.string()));
  ASSERT_EQ(restore.exit_code, 0) << restore.output;

  const int restored_port = FreeLoopbackPort();
  cluster_.Start(restored, restored_port);
  EXPECT_EQ(cluster_.Query(restored_port, "SELECT string_agg(letter, ',') FROM letters"), "A");
  // The original goes on untouched.
  EXPECT_EQ(cluster_.Query(port, "SELECT string_agg(letter, ',' ORDER BY letter) FROM letters"),
            "A,B");
}

TEST_F(PointInTimeRestoreTest, RestoreWithoutATargetReplaysAllArchivedWal) {
  CreateBackup();
  cluster_.Query(cluster_.Port(), "INSERT INTO letters VALUES ('A'), ('B')");
  cluster_.SwitchAndArchiveWal(cluster_.Port());
  const fs::path restored = cluster_.Root() / "restored";
  const auto restore = cluster_.Nedlia("backup restore --to " + ShellQuote(restored.string()));
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  const int restored_port = FreeLoopbackPort();
  cluster_.Start(restored, restored_port);
  EXPECT_EQ(cluster_.Query(restored_port, "SELECT count(*) FROM letters"), "2");
}

TEST_F(PointInTimeRestoreTest, VerifyRestoresAGoodBackupAndListShowsIt) {
  const std::string id = CreateBackup();
  const auto verify = cluster_.Nedlia("backup verify " + id);
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("OK"), std::string::npos) << verify.output;
  const auto list = cluster_.Nedlia("backup list");
  EXPECT_NE(list.output.find(id), std::string::npos) << list.output;
}

TEST_F(PointInTimeRestoreTest, VerifyAndRestoreRefuseACorruptBackup) {
  const std::string id = CreateBackup();
  const fs::path object = ObjectPath(cluster_, id, "base.tar.zst");
  {
    std::fstream file(object, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(-100, std::ios::end);
    const char byte = static_cast<char>(file.get());
    file.seekp(-100, std::ios::end);
    file.put(static_cast<char>(byte ^ 0x5A));
  }
  const auto verify = cluster_.Nedlia("backup verify " + id);
  EXPECT_NE(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("is corrupt"), std::string::npos) << verify.output;
  EXPECT_EQ(LineCount(verify.output), 1U) << verify.output;

  const fs::path restored = cluster_.Root() / "restored";
  const auto restore =
      cluster_.Nedlia("backup restore " + id + " --to " + ShellQuote(restored.string()));
  EXPECT_NE(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("is corrupt"), std::string::npos) << restore.output;
  EXPECT_FALSE(fs::exists(restored / "data")) << "half-restored";
  EXPECT_FALSE(fs::exists(restored / "data.restoring")) << "half-restored";
}

TEST_F(PointInTimeRestoreTest, VerifyRefusesATruncatedBackup) {
  const std::string id = CreateBackup();
  const fs::path object = ObjectPath(cluster_, id, "base.tar.zst");
  fs::resize_file(object, fs::file_size(object) - 1000);
  const auto verify = cluster_.Nedlia("backup verify " + id);
  EXPECT_NE(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("is truncated"), std::string::npos) << verify.output;
  EXPECT_EQ(LineCount(verify.output), 1U) << verify.output;
}

TEST_F(PointInTimeRestoreTest, ABackupWhoseWalIsGoneFailsVerifyAndRestoresNothing) {
  const std::string id = CreateBackup();
  cluster_.Nedlia("db stop");  // its archiver would put segments back
  fs::remove_all(cluster_.Objects() / "wal");
  const auto verify = cluster_.Nedlia("backup verify " + id);
  EXPECT_NE(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(LineCount(verify.output), 1U) << verify.output;
  const fs::path restored = cluster_.Root() / "restored";
  const auto restore =
      cluster_.Nedlia("backup restore " + id + " --to " + ShellQuote(restored.string()));
  EXPECT_NE(restore.exit_code, 0) << restore.output;
  EXPECT_FALSE(fs::exists(restored / "data")) << "half-restored";
  EXPECT_FALSE(fs::exists(restored / "data.restoring")) << "half-restored";
}

TEST_F(PointInTimeRestoreTest, RestoreRefusesANonEmptyTargetAndChangesNothing) {
  CreateBackup();
  const fs::path restored = cluster_.Root() / "restored";
  fs::create_directories(restored / "data");
  std::ofstream(restored / "data" / "keep.txt") << "mine";
  const auto restore = cluster_.Nedlia("backup restore --to " + ShellQuote(restored.string()));
  EXPECT_NE(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("not empty"), std::string::npos) << restore.output;
  EXPECT_TRUE(fs::exists(restored / "data" / "keep.txt"));
}

TEST_F(PointInTimeRestoreTest, RestoreRefusesABadTargetTime) {
  const auto restore = cluster_.Nedlia("backup restore --target-time yesterday --to " +
                                       ShellQuote((cluster_.Root() / "r").string()));
  EXPECT_NE(restore.exit_code, 0);
  EXPECT_EQ(restore.output.rfind("nedlia: --target-time 'yesterday' is not a time", 0), 0U)
      << restore.output;
  EXPECT_FALSE(fs::exists(cluster_.Root() / "r"));
}

// The store holds base backups of the whole database and every change since: other local users
// may neither read nor list it. As root the server (which archives WAL) runs as postgres: it
// owns wal/, and may pass through the store's root (search permission, by group), no more.
TEST_F(PointInTimeRestoreTest, BackupsAndArchivedWalAreTheirOwnersAlone) {
  const std::string id = CreateBackup();
  cluster_.SwitchAndArchiveWal(cluster_.Port());
  const fs::path objects = cluster_.Objects();
  const struct stat root = StatusOf(objects);
  EXPECT_EQ(root.st_mode & 0067, 0U) << std::oct << (root.st_mode & 07777);
  if (::geteuid() == 0) {
    const passwd* postgres = ::getpwnam("postgres");
    ASSERT_NE(postgres, nullptr);
    EXPECT_EQ(root.st_mode & 07777, 0710U) << std::oct << (root.st_mode & 07777);
    EXPECT_EQ(root.st_gid, postgres->pw_gid);
    EXPECT_EQ(StatusOf(objects / "wal").st_uid, postgres->pw_uid);
  }
  EXPECT_EQ(ModeOf(objects / "wal"), 0700U);
  int segments = 0;
  for (const auto& entry : fs::directory_iterator(objects / "wal")) {
    EXPECT_EQ(ModeOf(entry.path()), 0600U) << entry.path();
    ++segments;
  }
  EXPECT_GT(segments, 0);
  EXPECT_EQ(ModeOf(objects / "backups"), 0700U);
  EXPECT_EQ(ModeOf(objects / "backups" / id), 0700U);
  for (const auto& entry : fs::directory_iterator(objects / "backups" / id)) {
    EXPECT_EQ(ModeOf(entry.path()), 0600U) << entry.path();
  }
}

// A store that nedlia made (0700) before the cluster first started: the server user must
// still reach wal/ to archive into it.
TEST(WalArchivingTest, AStoreMadeBeforeTheClusterStillTakesItsWal) {
  BackupCluster cluster;
  object_stores::FilesystemObjectStore(cluster.Objects()).Put("placements/v/a.json", "{}", {});
  ASSERT_EQ(ModeOf(cluster.Objects()), 0700U);
  cluster.Start(cluster.Home(), cluster.Port());
  cluster.SwitchAndArchiveWal(cluster.Port());
  EXPECT_EQ(ModeOf(cluster.Objects() / "placements"), 0700U) << "left as it was";
}

}  // namespace
}  // namespace nedlia::testing
