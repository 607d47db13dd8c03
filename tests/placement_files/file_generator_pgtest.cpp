// The file-generator end to end: placements changed through the real API, the consumer run
// over the real PostgreSQL, the files written to a real object store (a directory, and one
// test on s3rver), downloaded through the API.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "object_stores/s3_object_store.hpp"
#include "process/subprocess.hpp"
#include "readmodel/detail_rows.hpp"
#include "support/delivery_helpers.hpp"
#include "support/file_generator_harness.hpp"
#include "support/s3_server.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class FileGeneratorTest : public ::testing::Test, protected FileGeneratorHarness {
 protected:
  explicit FileGeneratorTest(app::ObjectStore* store = nullptr)
      : FileGeneratorHarness(::testing::UnitTest::GetInstance()->current_test_info()->name(),
                             store) {}
};

TEST_F(FileGeneratorTest, WritesTheManifestAndTrackAndPointsFileUrlAtTheManifest) {
  const std::string first = CreatePlacement(12.5, 20);
  const std::string second = CreatePlacement(1, 5);
  const std::string draft = CreatePlacement(30, 40, "draft");
  ASSERT_TRUE(Settle());

  const std::string url = FileUrl(first);
  EXPECT_TRUE(url.starts_with("/files/placements/" + video_ + "/")) << url;
  EXPECT_TRUE(url.ends_with(".json")) << url;
  EXPECT_EQ(FileUrl(second), url);
  EXPECT_EQ(FileUrl(draft), url);  // the video's manifest, though drafts are not in it
  const json manifest = Manifest(first);
  EXPECT_EQ(manifest["video_id"], video_);
  ASSERT_EQ(manifest["placements"].size(), 2u) << manifest.dump();
  EXPECT_EQ(manifest["placements"][0]["placement_id"], second);  // sorted by start
  EXPECT_EQ(manifest["placements"][1]["time_range"],
            json({{"start_time", 12.5}, {"end_time", 20}}));
  EXPECT_EQ(manifest["placements"][1]["product"], json({{"id", product_}, {"name", "Cola"}}));
  EXPECT_EQ(manifest["placements"][1]["advertiser"], json({{"id", advertiser_}, {"name", "Acme"}}));

  const std::string vtt = Fetch(manifest["webvtt_url"].get<std::string>());
  EXPECT_TRUE(vtt.starts_with("WEBVTT")) << vtt;
  EXPECT_LT(vtt.find("00:00:01.000 --> 00:00:05.000"), vtt.find("00:00:12.500 --> 00:00:20.000"));
  EXPECT_EQ(vtt.find("00:00:30.000"), std::string::npos);  // no cue for the draft

  // file_url is derived: no new version, no event (which would regenerate forever).
  EXPECT_EQ(api_.Count("SELECT count(*) FROM placements WHERE version <> 1"), 0);
  EXPECT_EQ(api_.EventCount("com.nedlia.placement.updated.v1"), 0);
  const auto fetched = api_.Call("GET", "/v1/placements/" + first);
  EXPECT_EQ(fetched.body["data"]["file_url"], url);
  // Version 1 still, with the file_url folded in: a conditional GET sees the new URL.
  EXPECT_TRUE(fetched.Header("ETag").value_or("").starts_with("\"1-")) << *fetched.Header("ETag");
}

TEST_F(FileGeneratorTest, IntegratorsHearOfEachPublishedFileThatTheirPlacementsName) {
  const std::string first = CreatePlacement(1, 5);
  const std::string second = CreatePlacement(10, 15);
  ASSERT_TRUE(Settle());
  const auto published = [&] {
    return api_.Sql().Execute(
        "SELECT advertiser_id::text, aggregate_id::text, data->>'file_url', "
        "(data->>'placements')::int8 FROM event_log "
        "WHERE event_type = 'com.nedlia.video.placement_file_published.v1' ORDER BY position");
  };
  pg::Result events = published();
  ASSERT_EQ(events.RowCount(), 1);
  EXPECT_EQ(events[0][0].As<std::string>(), advertiser_);  // so its webhooks hear of it
  EXPECT_EQ(events[0][1].As<std::string>(), video_);
  EXPECT_EQ(events[0][2].As<std::string>(), FileUrl(first));
  EXPECT_EQ(events[0][3].As<std::int64_t>(), 2);

  // A change makes new files, and a new event names them.
  MovePlacement(second, 11, 15, 1);
  ASSERT_TRUE(Settle());
  events = published();
  ASSERT_EQ(events.RowCount(), 2);
  EXPECT_EQ(events[1][2].As<std::string>(), FileUrl(first));
  EXPECT_NE(events[1][2].As<std::string>(), events[0][2].As<std::string>());
  EXPECT_EQ(events[1][3].As<std::int64_t>(), 2);
}

TEST_F(FileGeneratorTest, TheReadModelGetsTheFileUrlThatNoEventAnnounces) {
  const std::string placement = CreatePlacement(1, 5);
  pg::Connection sql = api_.Sql();
  sql.ExecuteScript("BEGIN");
  readmodel::DetailRows(sql).Rebuild();  // the row as the projector would have it, no file yet
  sql.ExecuteScript("COMMIT");
  ASSERT_TRUE(Settle());

  const std::string url = FileUrl(placement);
  ASSERT_FALSE(url.empty());
  EXPECT_EQ(
      sql.Execute("SELECT file_url FROM placement_details WHERE id = $1", pg::Params(placement))
          .Single()[0]
          .As<std::string>(),
      url);
  std::int64_t differences = -1;
  EXPECT_TRUE(readmodel::DetailRows(sql).Verify(10, differences).empty());
  EXPECT_EQ(differences, 0);
}

TEST_F(FileGeneratorTest, ABurstOfUpdatesRegeneratesFewTimesAndEndsOnTheLastState) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::int64_t before = regenerator_.Completed();
  for (int i = 1; i <= 50; ++i) {
    const auto updated =
        api_.Call("PATCH", "/v1/placements/" + placement,
                  json{{"time_range", {{"start_time", 0}, {"end_time", 10 + i}}}}, {IfMatch(i)});
    ASSERT_EQ(updated.status, 200) << updated.raw;
  }
  ASSERT_TRUE(Settle());
  EXPECT_LE(regenerator_.Completed() - before, 5);  // 50 events: a few passes at most
  EXPECT_EQ(Manifest(placement)["placements"][0]["time_range"]["end_time"], 60);
  EXPECT_NE(Fetch(Manifest(placement)["webvtt_url"].get<std::string>())
                .find("00:00:00.000 --> 00:01:00.000"),
            std::string::npos);
}

TEST_F(FileGeneratorTest, ADeletedPlacementLeavesTheNextManifest) {
  const std::string kept = CreatePlacement(0, 10);
  const std::string gone = CreatePlacement(20, 30);
  ASSERT_TRUE(Settle());
  ASSERT_EQ(Manifest(kept)["placements"].size(), 2u);
  const auto deleted = api_.Delete("/v1/placements/" + gone, 1);
  ASSERT_EQ(deleted.status, 204) << deleted.raw;
  ASSERT_TRUE(Settle());
  const json manifest = Manifest(kept);
  ASSERT_EQ(manifest["placements"].size(), 1u);
  EXPECT_EQ(manifest["placements"][0]["placement_id"], kept);
}

TEST_F(FileGeneratorTest, ARenamedProductReachesTheManifest) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const auto renamed = api_.Call("PATCH", "/v1/products/" + product_, json{{"name", "Cola Zero"}},
                                 {"If-Match: \"1\""});
  ASSERT_EQ(renamed.status, 200) << renamed.raw;
  ASSERT_TRUE(Settle());
  EXPECT_EQ(Manifest(placement)["placements"][0]["product"]["name"], "Cola Zero");
}

TEST_F(FileGeneratorTest, FilesDownloadThroughTheApiWithETagAnd304) {
  const std::string placement = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::string url = FileUrl(placement);
  const auto manifest = api_.Call("GET", url, std::nullopt, {}, std::string("no-key-needed"));
  ASSERT_EQ(manifest.status, 200) << manifest.raw;
  EXPECT_EQ(manifest.Header("Content-Type"), "application/json");
  const std::string hash = url.substr(url.rfind('/') + 1, 64);
  EXPECT_EQ(manifest.Header("ETag"), "\"" + hash + "\"");
  EXPECT_EQ(manifest.body["placements"][0]["placement_id"], placement);

  const auto track = api_.Call("GET", manifest.body["webvtt_url"].get<std::string>());
  ASSERT_EQ(track.status, 200);
  EXPECT_EQ(track.Header("Content-Type"), "text/vtt");
  EXPECT_TRUE(track.raw.starts_with("WEBVTT"));

  const auto cached = api_.Call("GET", url, std::nullopt, {"If-None-Match: \"" + hash + "\""});
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.raw.empty());
  const auto stale = api_.Call("GET", url, std::nullopt, {"If-None-Match: \"other\""});
  EXPECT_EQ(stale.status, 200);

  const std::string missing = "/files/placements/" + video_ + "/" + std::string(64, 'a') + ".json";
  EXPECT_EQ(api_.Call("GET", missing).status, 404);
  EXPECT_EQ(api_.Call("GET", "/files/placements/" + video_ + "/..%2F..%2Fetc").status, 404);
  EXPECT_EQ(
      api_.Call("GET", "/files/placements/not-a-uuid/" + std::string(64, 'a') + ".vtt").status,
      404);
}

TEST_F(FileGeneratorTest, AWorkerKilledMidWayLeavesCompleteFilesAndFinishesAfterARestart) {
  using namespace std::chrono_literals;
  const std::string placement = CreatePlacement(0, 10);
  auto start_worker = [&] {
    process::RunOptions options;
    options.environment = {{"NEDLIA_DATABASE_URL", api_.Database().Url()},
                           {"NEDLIA_OBJECTS_DIR", root_.string()},
                           {"NEDLIA_EVENT_POLL_MS", "50"},
                           {"NEDLIA_LOG_LEVEL", "warn"}};
    options.output = process::Output::kDiscard;
    return process::Subprocess::Start({NedliaBinary(), "worker", "file-generator"}, options);
  };
  auto patch = [&](int i) {
    const auto updated =
        api_.Call("PATCH", "/v1/placements/" + placement,
                  json{{"time_range", {{"start_time", 0}, {"end_time", 10 + i}}}}, {IfMatch(i)});
    ASSERT_EQ(updated.status, 200) << updated.raw;
  };
  {
    process::Subprocess worker = start_worker();
    for (int i = 1; i <= 40; ++i)
      patch(i);  // while the worker marks and regenerates
    kill(worker.Pid(), SIGKILL);
    worker.Wait(10s);
  }
  for (int i = 41; i <= 60; ++i)
    patch(i);  // while no worker runs: the events wait
  process::Subprocess worker = start_worker();
  WaitFor([&] { return Settled(); }, 60s);
  kill(worker.Pid(), SIGTERM);
  EXPECT_EQ(worker.Wait(30s).exit_code, 0);
  ASSERT_TRUE(Settled());
  // Every object written is recorded, whatever the kill interrupted: retention can find it.
  for (const app::ObjectInfo& object : store_->List("placements/")) {
    EXPECT_EQ(
        api_.Count("SELECT count(*) FROM placement_file_objects WHERE key = '" + object.key + "'"),
        1)
        << object.key;
  }
  const json manifest = Manifest(placement);  // the file file_url names exists, whole
  EXPECT_EQ(manifest["placements"][0]["time_range"]["end_time"], 70);
  EXPECT_NE(Fetch(manifest["webvtt_url"].get<std::string>()).find("00:00:00.000 --> 00:01:10.000"),
            std::string::npos);
}

/// The same consumer writing to S3 (a real s3rver on loopback).
struct S3Store {
  S3Server server;
  object_stores::S3ObjectStore store{server.Settings()};
};

class FileGeneratorS3Test : private S3Store, public FileGeneratorTest {
 protected:
  FileGeneratorS3Test() : FileGeneratorTest(&store) {}
  S3Server& Server() { return server; }
};

TEST_F(FileGeneratorS3Test, AnS3OutageDelaysTheFilesAndLosesNothing) {
  const std::string first = CreatePlacement(0, 10);
  ASSERT_TRUE(Settle());
  const std::string before = FileUrl(first);
  EXPECT_TRUE(before.starts_with(Server().Endpoint() + "/" + S3Server::kBucket + "/placements/"))
      << before;

  Server().Stop();
  const std::string second = CreatePlacement(20, 30);
  // The event is handled (the video marked) but no file can be written: nothing changes.
  RunUntil(consumer_, [&](int) {
    return api_.Count("SELECT count(*) FROM placement_file_jobs WHERE attempts > 0") == 1;
  });
  EXPECT_EQ(api_.Count("SELECT count(*) FROM placement_file_jobs WHERE attempts > 0 AND "
                       "last_error LIKE '%unreachable%'"),
            1);
  EXPECT_EQ(FileUrl(first), before);
  EXPECT_EQ(FileUrl(second), "");

  Server().Start();
  // Skip the rest of the backoff: the retry itself is what is under test.
  api_.Sql().Execute("UPDATE placement_file_jobs SET not_before = now()");
  ASSERT_TRUE(Settle());
  EXPECT_NE(FileUrl(first), before);
  EXPECT_EQ(FileUrl(second), FileUrl(first));
  EXPECT_EQ(Manifest(second)["placements"].size(), 2u);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM event_dead_letters"), 0);
}

}  // namespace
}  // namespace nedlia::testing
