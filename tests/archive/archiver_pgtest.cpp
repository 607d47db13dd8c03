// Archival against a real PostgreSQL and object stores (a directory, a real s3rver): rows past
// retention leave the database only once their archive reads back intact; restore puts them
// back exactly; a store that is down, or an archive that is damaged, changes nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <functional>

#include "archive/archive_codec.hpp"
#include "archive/archive_journal.hpp"
#include "archive/archive_reader.hpp"
#include "archive/archive_restore.hpp"
#include "archive/archiver.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "object_stores/s3_object_store.hpp"
#include "support/retention_data.hpp"
#include "support/s3_server.hpp"
#include "support/test_database.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

std::filesystem::path FreshDirectory() {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nedlia-archive-" + std::to_string(getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(path);
  return path;
}

class ArchiverTest : public ::testing::Test {
 protected:
  ArchiverTest() {
    SeedRetentionData(sql_);
    for (const char* table : {"placements", "validation_runs", "event_log"})
      original_[table] = RowsById(sql_, table);
  }
  ~ArchiverTest() override { std::filesystem::remove_all(root_); }

  archive::ArchiveRunReport Run(archive::ArchiveLimits limits = {}) {
    pg::Connection connection = database_.Connect();
    return archive::Archiver(connection, store_, {}, {.limits = limits}).Run();
  }

  std::int64_t Count(const std::string& sql) {
    return sql_.Execute(sql).Single()[0].As<std::int64_t>();
  }

  void ExpectEveryRowOnce(const std::string& table) {
    SCOPED_TRACE(table);
    ExpectNothingLostOrDoubled(original_[table], RowsById(sql_, table),
                               ArchivedRowsById(root_, table));
  }

  /// The key of an archive's first part (of `table`).
  std::string FirstPartOf(const std::string& table) {
    for (const app::ObjectInfo& object : store_.List("archive/" + table + "/")) {
      if (object.key.ends_with(".jsonl.zst"))
        return object.key;
    }
    ADD_FAILURE() << "no archive of " << table;
    return "";
  }

  /// Stores `manifest` as the manifest of the archive at `prefix`.
  void StoreManifest(const std::string& prefix, const archive::ArchiveManifest& manifest) {
    store_.Put(archive::ManifestKey(prefix), archive::ManifestToJson(manifest),
               {.content_type = "application/json"});
  }

  /// Expects restoring `prefix` to be refused with an error saying `said`, and nothing changed.
  void ExpectRestoreRefused(const std::string& prefix, const std::string& said) {
    try {
      archive::RestoreArchive(sql_, store_, prefix);
      ADD_FAILURE() << "restored";
    } catch (const archive::ArchiveError& error) {
      EXPECT_NE(std::string(error.what()).find(said), std::string::npos) << error.what();
      EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
    }
    EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10) << "nothing restored";
    EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'complete'"), 3);
  }

  TestDatabase database_;
  pg::Connection sql_ = database_.Connect();
  std::filesystem::path root_ = FreshDirectory();
  object_stores::FilesystemObjectStore store_{root_};
  std::map<std::string, std::map<std::string, std::string>> original_;
};

TEST_F(ArchiverTest, RowsPastRetentionMoveToVerifiedArchivesAndNothingElseMoves) {
  // The seeded transactions, numbered. The horizon is the whole cluster's, so a test running
  // beside this one can hold it back for a moment.
  ASSERT_TRUE(WaitFor([&] {
    sql_.Execute("SELECT nedlia_sequence_final()");
    return Count(
               "SELECT count(*) FROM event_log e WHERE NOT EXISTS "
               "(SELECT FROM event_commits c WHERE c.transaction_id = e.transaction_id)") == 0;
  }));
  const archive::ArchiveRunReport report = Run();

  ASSERT_EQ(report.archived.size(), 3u);
  EXPECT_EQ(report.archived[0].table, "placements");
  EXPECT_EQ(report.archived[0].rows, SeededPastRetention::kDeletedPlacements);
  EXPECT_EQ(report.archived[1].table, "validation_runs");
  EXPECT_EQ(report.archived[1].rows, SeededPastRetention::kValidationRuns);
  EXPECT_EQ(report.archived[2].table, "event_log");
  EXPECT_EQ(report.archived[2].rows, SeededPastRetention::kOldEvents);
  EXPECT_FALSE(report.archived[2].partition.empty());
  // What stays: placements deleted recently or not at all, recent runs, recent events.
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10);
  EXPECT_EQ(Count("SELECT count(*) FROM validation_runs"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM event_log"), 5);
  EXPECT_EQ(
      Count("SELECT count(*) FROM pg_class WHERE relname = '" + report.archived[2].partition + "'"),
      0)
      << "the partition is dropped";
  for (const char* table : {"placements", "validation_runs", "event_log"})
    ExpectEveryRowOnce(table);
  // The commit numbers of transactions whose events all went go too; the others stay.
  EXPECT_EQ(Count("SELECT count(*) FROM event_commits c WHERE NOT EXISTS "
                  "(SELECT FROM event_log e WHERE e.transaction_id = c.transaction_id)"),
            0);
  EXPECT_EQ(Count("SELECT count(*) FROM event_commits"),
            Count("SELECT count(DISTINCT transaction_id) FROM event_log"));

  // The manifest says what the archive holds.
  const archive::ArchiveManifest& placements = report.archived[0];
  EXPECT_FALSE(placements.schema_revision.empty());
  EXPECT_EQ(placements.time_column, "deleted_at");
  EXPECT_LT(placements.first_at, placements.last_at);
  EXPECT_LT(placements.last_at, placements.cutoff);
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'complete'"), 3);

  const archive::ArchiveRunReport again = Run();
  EXPECT_TRUE(again.archived.empty()) << "a rerun finds nothing more";
}

TEST_F(ArchiverTest, BigTablesGoInSeveralArchivesOfSeveralParts) {
  const archive::ArchiveRunReport report =
      Run({.rows_per_archive = 12, .rows_per_part = 5, .bytes_per_part = 1 << 20});
  int placement_archives = 0;
  for (const archive::ArchiveManifest& manifest : report.archived) {
    if (manifest.table == "placements") {
      ++placement_archives;
      EXPECT_LE(manifest.rows, 12);
      EXPECT_EQ(manifest.parts.size(), static_cast<std::size_t>((manifest.rows + 4) / 5));
    }
  }
  EXPECT_EQ(placement_archives, 3);  // 12 + 12 + 6
  for (const char* table : {"placements", "validation_runs", "event_log"})
    ExpectEveryRowOnce(table);
}

TEST_F(ArchiverTest, ADryRunChangesNothing) {
  pg::Connection connection = database_.Connect();
  const auto plan = archive::Archiver(connection, store_, {}).Plan();
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].rows, SeededPastRetention::kDeletedPlacements);
  EXPECT_EQ(plan[1].rows, SeededPastRetention::kValidationRuns);
  EXPECT_EQ(plan[2].rows, SeededPastRetention::kOldEvents);
  EXPECT_TRUE(store_.List("").empty());
  EXPECT_EQ(RowsById(sql_, "placements"), original_["placements"]);
  EXPECT_EQ(Count("SELECT count(*) FROM archives"), 0);
}

TEST_F(ArchiverTest, RestoreBringsEveryRowBackExactlyAndRemovesTheArchive) {
  const archive::ArchiveRunReport report = Run();
  ASSERT_EQ(report.archived.size(), 3u);
  for (const archive::ArchiveManifest& manifest : report.archived) {
    const std::string prefix = archive::LocateArchive(sql_, store_, manifest.id);
    const archive::RestoreReport restored = archive::RestoreArchive(sql_, store_, prefix);
    EXPECT_EQ(restored.inserted, manifest.rows);
    EXPECT_EQ(restored.already_present, 0);
  }
  for (const char* table : {"placements", "validation_runs", "event_log"})
    EXPECT_EQ(RowsById(sql_, table), original_[table]) << table;
  EXPECT_TRUE(store_.List("archive/").empty()) << "each row lives in one place";
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'restored'"), 3);
  // The event_log partition came back too: its rows are not in the default partition.
  EXPECT_EQ(Count("SELECT count(*) FROM event_log_default"), 0);

  // Still past retention: the next run archives them again, once.
  EXPECT_EQ(Run().archived.size(), 3u);
  for (const char* table : {"placements", "validation_runs", "event_log"})
    ExpectEveryRowOnce(table);
}

TEST_F(ArchiverTest, ARunRemovesWhatAnInterruptedRestoreLeftInTheStore) {
  const archive::ArchiveRunReport report = Run();
  ASSERT_FALSE(report.archived.empty());
  const std::string prefix = archive::LocateArchive(sql_, store_, report.archived[0].id);
  std::vector<std::pair<std::string, std::string>> objects;
  for (const app::ObjectInfo& object : store_.List(prefix))
    objects.emplace_back(object.key, store_.Get(object.key).bytes);
  archive::RestoreArchive(sql_, store_, prefix);
  // As if the restore had stopped after its commit, before removing the archive.
  for (const auto& [key, bytes] : objects)
    store_.Put(key, bytes, {});

  Run();
  EXPECT_TRUE(store_.List(prefix).empty());
  ExpectEveryRowOnce("placements");
}

TEST_F(ArchiverTest, ADamagedOrTruncatedArchiveIsRefusedAndNothingIsRestored) {
  ASSERT_EQ(Run().archived.size(), 3u);
  const std::string part = FirstPartOf("placements");
  const std::string prefix = part.substr(0, part.rfind('/') + 1);
  const std::string intact = store_.Get(part).bytes;

  std::string flipped = intact;
  flipped[flipped.size() / 2] ^= 0x20;
  store_.Put(part, flipped, {});
  EXPECT_THROW(archive::RestoreArchive(sql_, store_, prefix), archive::ArchiveError);

  store_.Put(part, intact.substr(0, intact.size() - 7), {});
  try {
    archive::RestoreArchive(sql_, store_, prefix);
    ADD_FAILURE() << "a truncated archive was restored";
  } catch (const archive::ArchiveError& error) {
    EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
  }
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10) << "nothing half-restored";
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'complete'"), 3);
  EXPECT_TRUE(store_.Head(archive::ManifestKey(prefix)).has_value()) << "the archive is kept";

  store_.Put(part, intact, {});
  EXPECT_EQ(archive::RestoreArchive(sql_, store_, prefix).inserted,
            SeededPastRetention::kDeletedPlacements);
}

// The object store is not trusted: a manifest that does not describe the archive the journal
// recorded is refused whole before any row is written. A part under another prefix would pass
// every checksum (the manifest carries them), so parts must be the archive's own.
TEST_F(ArchiverTest, AManifestThatDisagreesWithTheJournalIsRefusedAndNothingIsRestored) {
  const archive::ArchiveRunReport report = Run();
  ASSERT_EQ(report.archived.size(), 3u);
  const archive::ArchiveManifest original = report.archived[0];
  ASSERT_EQ(original.table, "placements");
  const std::string prefix = archive::LocateArchive(sql_, store_, original.id);
  const std::string foreign =
      "archive/placements/2020/01/0b7e6a1e-0000-4000-8000-000000000000/part-00001.jsonl.zst";
  store_.Put(foreign, store_.Get(original.parts[0].key).bytes, {});

  const std::vector<std::pair<std::string, std::function<void(archive::ArchiveManifest&)>>>
      tamperings = {
          {"id", [&](auto& m) { m.id = report.archived[1].id; }},
          {"table", [](auto& m) { m.table = "validation_runs"; }},
          {"partition", [](auto& m) { m.partition = "event_log_p2020_01"; }},
          {"schema revision", [](auto& m) { m.schema_revision = "0000deadbeef"; }},
          {"outside the archive's prefix", [&](auto& m) { m.parts[0].key = foreign; }},
          {"outside the archive's prefix",
           [&](auto& m) { m.parts[0].key = prefix + "../../../" + foreign; }},
      };
  for (const auto& [said, tamper] : tamperings) {
    SCOPED_TRACE(said);
    archive::ArchiveManifest changed = original;
    tamper(changed);
    StoreManifest(prefix, changed);
    ExpectRestoreRefused(prefix, said);
  }
  EXPECT_TRUE(store_.Head(original.parts[0].key).has_value()) << "the archive is kept";

  StoreManifest(prefix, original);
  EXPECT_EQ(archive::RestoreArchive(sql_, store_, prefix).inserted, original.rows);
}

// Only what the journal recorded as a complete archive is restored: not an archive it does
// not know (planted in the store, or of another database), nor one it restored already.
TEST_F(ArchiverTest, OnlyAnArchiveTheJournalHoldsCompleteIsRestored) {
  const archive::ArchiveRunReport report = Run();
  ASSERT_EQ(report.archived.size(), 3u);
  const archive::ArchiveManifest& original = report.archived[0];
  const std::string prefix = archive::LocateArchive(sql_, store_, original.id);

  // A faithful copy under an id of its own: every checksum holds, the journal knows nothing.
  const std::string planted_id = "0b7e6a1e-0000-4000-8000-000000000001";
  const std::string planted = "archive/placements/2020/01/" + planted_id + "/";
  archive::ArchiveManifest copy = original;
  copy.id = planted_id;
  for (std::size_t i = 0; i < copy.parts.size(); ++i) {
    copy.parts[i].key = archive::PartKey(planted, static_cast<int>(i) + 1);
    store_.Put(copy.parts[i].key, store_.Get(original.parts[i].key).bytes, {});
  }
  StoreManifest(planted, copy);
  ExpectRestoreRefused(planted, "not in the archive journal");

  // Restored, then its objects put back (as if the removal after the commit was cut short).
  std::vector<std::pair<std::string, std::string>> objects;
  for (const app::ObjectInfo& object : store_.List(prefix))
    objects.emplace_back(object.key, store_.Get(object.key).bytes);
  archive::RestoreArchive(sql_, store_, prefix);
  for (const auto& [key, bytes] : objects)
    store_.Put(key, bytes, {});
  try {
    archive::RestoreArchive(sql_, store_, prefix);
    ADD_FAILURE() << "restored twice";
  } catch (const archive::ArchiveError& error) {
    EXPECT_NE(std::string(error.what()).find("restored"), std::string::npos) << error.what();
  }
}

TEST_F(ArchiverTest, UnknownArchivesAndTablesAreRefused) {
  EXPECT_THROW(archive::LocateArchive(sql_, store_, "0b7e6a1e-0000-4000-8000-000000000000"),
               archive::ArchiveError);
  EXPECT_THROW(archive::LocateArchive(sql_, store_, "'; DROP TABLE placements; --"),
               archive::ArchiveError);
  EXPECT_THROW(archive::RestoreArchive(sql_, store_, "archive/placements/2020/01/nope/"),
               archive::ArchiveError);
}

TEST(RetentionPolicyTest, RetentionThatWouldDeleteTooYoungDataIsRejected) {
  EXPECT_NO_THROW(archive::RetentionPolicy{}.Check());
  EXPECT_THROW((archive::RetentionPolicy{.deleted_placements_days = 0}.Check()),
               std::invalid_argument);
  EXPECT_THROW((archive::RetentionPolicy{.validation_runs_days = -1}.Check()),
               std::invalid_argument);
  try {
    archive::RetentionPolicy{.event_log_days = 30}.Check();
    ADD_FAILURE() << "30 days of event log accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("NEDLIA_RETENTION_EVENT_LOG_DAYS=30"),
              std::string::npos);
  }
}

/// The same with S3 (a real s3rver), which goes down in the middle.
class ArchiverS3Test : public ArchiverTest {
 protected:
  void SetUp() override {
    if (!S3Server::Installed())
      GTEST_SKIP() << "s3rver is not installed (scripts/install-deps)";
    server_.emplace();
    s3_.emplace(server_->Settings(std::chrono::seconds(5)));
  }

  // s3rver 3.7 predates GLACIER_IR (our default, for AWS): an infrequent-access class instead.
  archive::ArchiveRunReport RunOnS3(const std::string& storage_class = "STANDARD_IA") {
    pg::Connection connection = database_.Connect();
    return archive::Archiver(connection, *s3_, {}, {.storage_class = storage_class}).Run();
  }

  std::optional<S3Server> server_;
  std::optional<object_stores::S3ObjectStore> s3_;
};

TEST_F(ArchiverS3Test, AStoreThatIsDownDeletesNothingAndTheNextRunArchivesOnce) {
  server_->Stop();
  EXPECT_THROW(RunOnS3(), app::ObjectStoreUnavailable);
  EXPECT_EQ(RowsById(sql_, "placements"), original_["placements"]);
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'pending'"), 1);

  // Still down: the leftovers of the failed run cannot be removed, so nothing starts.
  EXPECT_THROW(RunOnS3(), app::ObjectStoreUnavailable);
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 40);

  server_->Start();
  const archive::ArchiveRunReport report = RunOnS3();
  EXPECT_EQ(report.pending_cleaned, 1);
  ASSERT_EQ(report.archived.size(), 3u);
  EXPECT_EQ(Count("SELECT count(*) FROM placements"), 10);
  EXPECT_EQ(Count("SELECT count(*) FROM archives WHERE status = 'pending'"), 0);

  // Read back from S3, the archives restore every row.
  for (const archive::ArchiveManifest& manifest : report.archived)
    archive::RestoreArchive(sql_, *s3_, archive::LocateArchive(sql_, *s3_, manifest.id));
  for (const char* table : {"placements", "validation_runs", "event_log"})
    EXPECT_EQ(RowsById(sql_, table), original_[table]) << table;
}

TEST_F(ArchiverS3Test, AStorageClassTheStoreRefusesDeletesNothing) {
  try {
    RunOnS3("NO_SUCH_CLASS");
    ADD_FAILURE() << "the archive was written";
  } catch (const app::ObjectStoreError& error) {
    EXPECT_NE(std::string(error.what()).find("InvalidStorageClass"), std::string::npos)
        << error.what();
  }
  for (const char* table : {"placements", "validation_runs", "event_log"})
    EXPECT_EQ(RowsById(sql_, table), original_[table]) << table;
}

}  // namespace
}  // namespace nedlia::testing
