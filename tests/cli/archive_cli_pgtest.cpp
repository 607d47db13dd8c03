// `nedlia archive` killed with SIGKILL after each step of its protocol, then run again: every
// row ends in the database or in one archive, never both, never twice, never lost; and the
// command surface (dry run, list, verify, restore, bad input) as a user meets it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "archive/archive_manifest.hpp"
#include "archive/archive_reader.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "support/retention_data.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

const char* const kTables[] = {"placements", "validation_runs", "event_log"};

class ArchiveCliTest : public ::testing::Test {
 protected:
  ArchiveCliTest() {
    SeedRetentionData(sql_);
    for (const char* table : kTables)
      original_[table] = RowsById(sql_, table);
  }
  ~ArchiveCliTest() override { std::filesystem::remove_all(objects_); }

  CommandResult Nedlia(const std::string& arguments, const std::string& environment = "") {
    return RunCommand(environment + " NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                      " NEDLIA_OBJECTS_DIR=" + ShellQuote(objects_.string()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  std::int64_t Count(const std::string& sql) {
    return sql_.Execute(sql).Single()[0].As<std::int64_t>();
  }

  void ExpectEveryRowOnce() {
    for (const char* table : kTables) {
      SCOPED_TRACE(table);
      ExpectNothingLostOrDoubled(original_[table], RowsById(sql_, table),
                                 ArchivedRowsById(objects_, table));
    }
    // No object outside a whole archive: every key sits beside a manifest.
    object_stores::FilesystemObjectStore store(objects_);
    std::set<std::string> with_manifest;
    const auto objects = store.List("archive/");
    for (const app::ObjectInfo& object : objects) {
      if (object.key.ends_with("/manifest.json"))
        with_manifest.insert(object.key.substr(0, object.key.rfind('/')));
    }
    for (const app::ObjectInfo& object : objects)
      EXPECT_TRUE(with_manifest.contains(object.key.substr(0, object.key.rfind('/'))))
          << object.key << " belongs to no archive";
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  std::filesystem::path objects_ =
      std::filesystem::temp_directory_path() / ("nedlia-archive-cli-" + std::to_string(getpid()));
  std::map<std::string, std::map<std::string, std::string>> original_;
};

/// Killed at STEP:N (the Nth time STEP completes); archives run placements, validation runs,
/// then the event_log partition, so N = 3 lands in the partition's archive.
class ArchiveKilledTest : public ArchiveCliTest,
                          public ::testing::WithParamInterface<const char*> {};

TEST_P(ArchiveKilledTest, RerunEndsWithEveryRowOnceInTheDatabaseOrAnArchive) {
  const CommandResult killed =
      Nedlia("archive run", std::string("NEDLIA_ARCHIVE_KILL_AFTER=") + GetParam());
  ASSERT_NE(killed.exit_code, 0) << "not killed at " << GetParam() << ": " << killed.output;
  for (const char* table : kTables) {
    SCOPED_TRACE(table);
    ExpectNothingLost(original_[table], RowsById(sql_, table), ArchivedRowsById(objects_, table));
  }

  const CommandResult rerun = Nedlia("archive run");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  ExpectEveryRowOnce();
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10);
  EXPECT_EQ(Count("SELECT count(*) FROM validation_runs"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM event_log"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status <> 'complete'"), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryStep, ArchiveKilledTest,
                         ::testing::Values("journal-opened", "part-written", "manifest-written",
                                           "verified", "rows-deleted", "committed",
                                           "journal-opened:3", "part-written:3",
                                           "manifest-written:3", "verified:3", "rows-deleted:3",
                                           "committed:3"),
                         [](const auto& step) {
                           std::string name = step.param;
                           for (char& c : name)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

TEST_F(ArchiveCliTest, KilledWhileRemovingAnInterruptedRunsLeftoversThenRerun) {
  ASSERT_NE(Nedlia("archive run", "NEDLIA_ARCHIVE_KILL_AFTER=verified").exit_code, 0);
  ASSERT_NE(Nedlia("archive run", "NEDLIA_ARCHIVE_KILL_AFTER=pending-objects-deleted").exit_code,
            0);
  ExpectEveryRowOnce();
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'pending'"), 1)
      << "killed before the journal forgot the unfinished archive";
  const CommandResult rerun = Nedlia("archive run");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.output;
  ExpectEveryRowOnce();
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10);
}

TEST_F(ArchiveCliTest, DryRunListVerifyAndRestore) {
  const CommandResult dry = Nedlia("archive run --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("would archive 30 rows of placements"), std::string::npos)
      << dry.output;
  EXPECT_NE(dry.output.find("would archive 50 rows of event_log (partition event_log_"),
            std::string::npos)
      << dry.output;
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 40);

  const CommandResult run = Nedlia("archive run");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("archived 20 rows of validation_runs"), std::string::npos)
      << run.output;

  const CommandResult list = Nedlia("archive list");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  const std::string id =
      sql_.Execute("SELECT id::text FROM archives WHERE table_name = 'placements'")
          .Single()[0]
          .As<std::string>();
  EXPECT_NE(list.output.find(id + "  placements"), std::string::npos) << list.output;

  const CommandResult verify = Nedlia("archive verify " + id);
  ASSERT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_NE(verify.output.find("intact, 30 rows of placements"), std::string::npos)
      << verify.output;

  const CommandResult restore = Nedlia("archive restore " + id);
  ASSERT_EQ(restore.exit_code, 0) << restore.output;
  EXPECT_NE(restore.output.find("restored 30 rows of placements"), std::string::npos)
      << restore.output;
  EXPECT_EQ(RowsById(sql_, "placements"), original_["placements"]);
}

TEST_F(ArchiveCliTest, AManifestThatDisagreesWithTheJournalIsOneLineAndRestoresNothing) {
  ASSERT_EQ(Nedlia("archive run").exit_code, 0);
  const auto row =
      sql_.Execute("SELECT id::text, key_prefix FROM archives WHERE table_name = 'placements'")
          .Single();
  const std::string id = row[0].As<std::string>();
  const std::string prefix = row[1].As<std::string>();
  object_stores::FilesystemObjectStore store(objects_);
  archive::ArchiveManifest manifest = archive::FetchManifest(store, prefix);
  manifest.schema_revision = "0000deadbeef";
  store.Put(archive::ManifestKey(prefix), archive::ManifestToJson(manifest), {});

  const CommandResult restore = Nedlia("archive restore " + id);
  EXPECT_EQ(restore.exit_code, 1) << restore.output;
  EXPECT_EQ(restore.output.rfind("nedlia: archive: ", 0), 0U) << restore.output;
  EXPECT_NE(restore.output.find("schema revision"), std::string::npos) << restore.output;
  EXPECT_EQ(std::count(restore.output.begin(), restore.output.end(), '\n'), 1) << restore.output;
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10) << "nothing restored";
}

TEST_F(ArchiveCliTest, BadInputIsOneLineAndChangesNothing) {
  const CommandResult unknown = Nedlia("archive restore 0b7e6a1e-0000-4000-8000-000000000000");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("nedlia: archive: no archive 0b7e6a1e"), std::string::npos)
      << unknown.output;

  const CommandResult short_retention = Nedlia("archive run", "NEDLIA_RETENTION_EVENT_LOG_DAYS=7");
  EXPECT_NE(short_retention.exit_code, 0);
  EXPECT_NE(short_retention.output.find("NEDLIA_RETENTION_EVENT_LOG_DAYS=7: must be at least"),
            std::string::npos)
      << short_retention.output;

  const CommandResult glacier = Nedlia("archive run", "NEDLIA_ARCHIVE_STORAGE_CLASS=GLACIER");
  EXPECT_NE(glacier.exit_code, 0);
  EXPECT_NE(glacier.output.find("use GLACIER_IR"), std::string::npos) << glacier.output;

  // An object store that cannot be reached: one line, and no row deleted.
  const CommandResult down =
      Nedlia("archive run",
             "NEDLIA_S3_ENDPOINT=http://127.0.0.1:" + std::to_string(FreeLoopbackPort()) +
                 " NEDLIA_S3_BUCKET=b NEDLIA_S3_ACCESS_KEY_ID=k NEDLIA_S3_SECRET_ACCESS_KEY=s");
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_NE(down.output.find("nedlia: object store unavailable, nothing was deleted"),
            std::string::npos)
      << down.output;
  for (const char* table : kTables)
    EXPECT_EQ(RowsById(sql_, table), original_[table]) << table;
}

}  // namespace
}  // namespace nedlia::testing
