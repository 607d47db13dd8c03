// Superseded placement files are deleted from the object store a grace period after a newer
// generation replaced them; the current files, files made current again and files a live
// placement names again never are. Real file-generator, real PostgreSQL, a directory store
// (and s3rver for an outage).
#include <gtest/gtest.h>

#include <set>

#include "object_stores/s3_object_store.hpp"
#include "placement_files/file_retention.hpp"
#include "support/delivery_helpers.hpp"
#include "support/file_generator_harness.hpp"
#include "support/s3_server.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;
using std::chrono::hours;

constexpr hours kGrace{24};

class PlacementFileRetentionTest : public ::testing::Test, protected FileGeneratorHarness {
 protected:
  explicit PlacementFileRetentionTest(app::ObjectStore* store = nullptr)
      : FileGeneratorHarness(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                             store) {}

  /// The keys of the video's current manifest and its track.
  std::set<std::string> CurrentFiles(const std::string& placement) {
    const std::string manifest = KeyOf(FileUrl(placement));
    return {manifest, KeyOf(Manifest(placement)["webvtt_url"].get<std::string>())};
  }

  std::set<std::string> StoredKeys() {
    std::set<std::string> keys;
    for (const app::ObjectInfo& object : store_->List("placements/"))
      keys.insert(object.key);
    return keys;
  }

  std::set<std::string> RecordedKeys(const std::string& where = "true") {
    std::set<std::string> keys;
    for (const pg::Row& row : sql_.Execute("SELECT key FROM placement_file_objects WHERE " + where))
      keys.insert(row[0].As<std::string>());
    return keys;
  }

  /// Moves every supersession `by` further into the past.
  void AgeSupersessions(const std::string& by = "25 hours") {
    sql_.Execute("UPDATE placement_file_objects SET superseded_at = superseded_at - '" + by +
                 "'::interval WHERE superseded_at IS NOT NULL");
  }

  std::int64_t Purge() {
    pg::Connection connection = api_.Sql();
    return placement_files::PurgeSupersededFiles(connection, *store_, kGrace, /*batch=*/1);
  }

  pg::Connection sql_ = api_.Sql();
};

TEST_F(PlacementFileRetentionTest, ASupersededFileGoesAfterTheGracePeriodAndTheCurrentOnesStay) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::set<std::string> first = CurrentFiles(placement);
  MovePlacement(placement, 0, 20, 1);
  ASSERT_TRUE(Settle());
  const std::set<std::string> second = CurrentFiles(placement);
  ASSERT_NE(first, second);
  EXPECT_EQ(RecordedKeys("superseded_at IS NOT NULL"), first);
  EXPECT_EQ(RecordedKeys("superseded_at IS NULL"), second);

  // Within the grace period: a reader that got the old URL a moment ago can still fetch it,
  // however long ago the file was written.
  sql_.Execute("UPDATE placement_file_objects SET written_at = now() - interval '30 days'");
  EXPECT_EQ(placement_files::CountSupersededFiles(sql_, kGrace), 0);
  EXPECT_EQ(Purge(), 0);
  EXPECT_EQ(StoredKeys().size(), 4u);

  AgeSupersessions();
  EXPECT_EQ(placement_files::CountSupersededFiles(sql_, kGrace), 2);
  EXPECT_EQ(Purge(), 2);
  EXPECT_EQ(StoredKeys(), second);
  EXPECT_EQ(RecordedKeys(), second);
  EXPECT_EQ(Manifest(placement)["placements"][0]["time_range"]["end_time"], 20);
  EXPECT_EQ(Purge(), 0);
}

TEST_F(PlacementFileRetentionTest, AFileMadeCurrentAgainIsKept) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::set<std::string> first = CurrentFiles(placement);
  MovePlacement(placement, 0, 20, 1);
  ASSERT_TRUE(Settle());
  const std::set<std::string> second = CurrentFiles(placement);
  AgeSupersessions();  // the first files superseded long ago...
  MovePlacement(placement, 0, 10, 2);
  ASSERT_TRUE(Settle());  // ...and current again: the same bytes, the same keys
  ASSERT_EQ(CurrentFiles(placement), first);
  AgeSupersessions();

  EXPECT_EQ(Purge(), 2);
  EXPECT_EQ(StoredKeys(), first);
  EXPECT_EQ(RecordedKeys("superseded_at IS NULL"), first);
}

TEST_F(PlacementFileRetentionTest, AFileALivePlacementNamesAgainIsNeverDeleted) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::string old_url = FileUrl(placement);
  const std::set<std::string> first = CurrentFiles(placement);
  MovePlacement(placement, 0, 20, 1);
  ASSERT_TRUE(Settle());
  AgeSupersessions("30 days");
  // As an older release's file-generator would (it records nothing): file_url back on the
  // superseded manifest, whose track it names.
  sql_.ExecuteScript(
      "BEGIN; SELECT set_config('nedlia.derived_write', 'on', true); UPDATE placements SET "
      "file_url = '" +
      old_url + "'; COMMIT;");

  EXPECT_EQ(placement_files::CountSupersededFiles(sql_, kGrace), 0);
  EXPECT_EQ(Purge(), 0);
  for (const std::string& key : first)
    EXPECT_TRUE(store_->Head(key).has_value()) << key;
  EXPECT_EQ(Manifest(placement)["placements"][0]["time_range"]["end_time"], 10);
}

TEST_F(PlacementFileRetentionTest, EveryFileWrittenIsRecordedAndOnlyTheLastIsCurrent) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  for (int version = 1; version <= 5; ++version) {
    MovePlacement(placement, 0, 10 + version, version);
    ASSERT_TRUE(Settle());
  }
  EXPECT_EQ(RecordedKeys(), StoredKeys());
  EXPECT_EQ(RecordedKeys("superseded_at IS NULL"), CurrentFiles(placement));
  AgeSupersessions();
  EXPECT_EQ(Purge(), static_cast<std::int64_t>(StoredKeys().size()) - 2);
  EXPECT_EQ(StoredKeys(), CurrentFiles(placement));
}

TEST_F(PlacementFileRetentionTest, FilesWrittenBeforeTheRecordAreFoundAndTheSupersededOnesGo) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::set<std::string> current = CurrentFiles(placement);
  // An older generation nothing names any more, written before the record existed.
  const std::string stale = "placements/" + video_ + "/" + std::string(64, 'a') + ".json";
  store_->Put(stale, "{}", {.content_type = "application/json", .storage_class = ""});
  sql_.Execute("DELETE FROM placement_file_objects");
  sql_.Execute("INSERT INTO placement_file_sweeps (video_id) VALUES ($1)", pg::Params(video_));

  EXPECT_EQ(placement_files::RecordUnrecordedFiles(sql_, *store_), 1);
  EXPECT_EQ(RecordedKeys("superseded_at IS NULL"), current);
  EXPECT_EQ(RecordedKeys("superseded_at IS NOT NULL"), std::set<std::string>{stale});
  EXPECT_EQ(api_.Count("SELECT count(*) FROM placement_file_sweeps"), 0);
  EXPECT_EQ(placement_files::RecordUnrecordedFiles(sql_, *store_), 0);

  EXPECT_EQ(Purge(), 0);  // superseded from now on: the grace period starts over
  AgeSupersessions();
  EXPECT_EQ(Purge(), 1);
  EXPECT_EQ(StoredKeys(), current);
}

/// The same on S3 (a real s3rver on loopback).
struct S3Store {
  S3Server server;
  object_stores::S3ObjectStore store{server.Settings()};
};

class PlacementFileRetentionS3Test : private S3Store, public PlacementFileRetentionTest {
 protected:
  PlacementFileRetentionS3Test() : PlacementFileRetentionTest(&store) {}
  S3Server& Server() { return server; }
};

TEST_F(PlacementFileRetentionS3Test, AnOutageDeletesNothingAndTheNextRunFinishes) {
  if (!S3Server::Installed())
    GTEST_SKIP() << "s3rver is not installed (scripts/install-deps)";
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::set<std::string> first = CurrentFiles(placement);
  MovePlacement(placement, 0, 20, 1);
  ASSERT_TRUE(Settle());
  const std::set<std::string> second = CurrentFiles(placement);
  AgeSupersessions();

  Server().Stop();
  EXPECT_THROW(Purge(), app::ObjectStoreUnavailable);
  EXPECT_EQ(RecordedKeys("superseded_at IS NOT NULL"), first);  // still to be deleted
  Server().Start();
  EXPECT_EQ(Purge(), 2);
  for (const std::string& key : first)
    EXPECT_FALSE(store_->Head(key).has_value()) << key;
  EXPECT_EQ(StoredKeys(), second);
}

}  // namespace
}  // namespace nedlia::testing
