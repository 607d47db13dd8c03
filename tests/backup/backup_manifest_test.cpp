// Backup manifests as read back from the object store, which is not trusted, and the retention
// plan over them. Needs no database.
#include "backup/backup_manifest.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "backup/backup_error.hpp"
#include "backup/retention.hpp"

namespace nedlia::backup {
namespace {

using nlohmann::json;

BackupManifest Base(std::string id, std::string finished_at, std::uint32_t timeline,
                    std::string start_lsn) {
  BackupManifest manifest;
  manifest.id = std::move(id);
  manifest.finished_at = *ParseTimestamp(finished_at);
  manifest.started_at = manifest.finished_at - std::chrono::minutes(1);
  manifest.pg_version = "15";
  manifest.timeline = timeline;
  manifest.start_lsn = start_lsn;
  manifest.stop_lsn = start_lsn;
  manifest.start_wal = WalFileName(timeline, start_lsn);
  return manifest;
}

json JsonOf(const BackupManifest& manifest) {
  return json::parse(ToJson(manifest));
}

std::string ErrorOf(const json& manifest) {
  try {
    ManifestFromJson(manifest.dump(), "backups/x/manifest.json");
  } catch (const BackupError& error) {
    return error.what();
  }
  return "(no error)";
}

TEST(BackupManifestTest, AManifestReadsBackAsWritten) {
  const BackupManifest base = Base("b", "2026-12-02T02:15:00Z", 1, "0/3000028");
  const BackupManifest read = ManifestFromJson(ToJson(base), "k");
  EXPECT_EQ(read.start_wal, "000000010000000000000003");
  EXPECT_EQ(read.finished_at, base.finished_at);
  EXPECT_EQ(ToJson(read), ToJson(base));
}

// Found by fuzz/backup_manifest: a base backup without the WAL segment it needs was read (and
// retention then kept no WAL for it); numbers out of range wrapped silently; any kind but
// "logical" was a base backup.
TEST(BackupManifestTest, AManifestThatCannotBeRestoredFromIsRefused) {
  const json base = JsonOf(Base("b", "2026-12-02T02:15:00Z", 1, "0/3000028"));
  const auto with = [&](const char* name, const json& value) {
    json changed = base;
    changed[name] = value;
    return changed;
  };
  EXPECT_NE(ErrorOf(with("start_wal", "")).find("start_wal"), std::string::npos);
  EXPECT_NE(ErrorOf(with("start_wal", "../../x")).find("start_wal"), std::string::npos);
  EXPECT_NE(ErrorOf(with("timeline", 0)).find("WAL segment"), std::string::npos);
  EXPECT_NE(ErrorOf(with("timeline", 4294967296)).find("timeline"), std::string::npos);
  EXPECT_NE(ErrorOf(with("timeline", -1)).find("timeline"), std::string::npos);
  EXPECT_NE(ErrorOf(with("start_lsn", "x/1")).find("start_lsn"), std::string::npos);
  EXPECT_NE(ErrorOf(with("kind", "incremental")).find("kind"), std::string::npos);
  json negative = base;
  negative["files"] = json::array({{{"name", "a"}, {"key", "k"}, {"size", -1}, {"sha256", "s"}}});
  EXPECT_NE(ErrorOf(negative).find("size"), std::string::npos);
}

// Found by fuzz/backup_manifest: after a point-in-time restore, a newer base backup on the new
// timeline can start at a lower WAL position than an older one still kept. Retention kept the
// WAL from the older backup's first segment on, and deleted what the newer one needs.
TEST(BackupManifestTest, RetentionKeepsTheWalOfEveryKeptBaseBackup) {
  const BackupManifest older = Base("older", "2026-12-02T01:00:00Z", 1, "0/5000028");
  const BackupManifest newer = Base("newer", "2026-12-02T02:00:00Z", 2, "0/3000028");
  const std::vector<app::ObjectInfo> wal = {{.key = "wal/000000010000000000000004.zst"},
                                            {.key = "wal/000000020000000000000003.zst"},
                                            {.key = "wal/000000010000000000000002.zst"}};
  const PrunePlan plan = PlanPrune({older, newer}, wal, *ParseTimestamp("2026-12-02T03:00:00Z"), 1);
  EXPECT_TRUE(plan.expired_backups.empty());
  EXPECT_EQ(plan.oldest_needed_wal, "000000020000000000000003");
  EXPECT_EQ(plan.expired_wal_keys, std::vector<std::string>{"wal/000000010000000000000002.zst"});
}

}  // namespace
}  // namespace nedlia::backup
