// The placement_details read model against a real PostgreSQL: the projector follows every write
// made through the API (creations, renames reaching every affected row, deletions), the query
// API reads it with its filters and tenancy, and rebuild / verify repair and check it.
#include <gtest/gtest.h>

#include "readmodel/detail_rows.hpp"
#include "readmodel/projector.hpp"
#include "support/api_fixture.hpp"
#include "support/delivery_helpers.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class ProjectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    advertiser_ = api_.NewAdvertiser("acme");
    product_ = Created("/v1/products",
                       {{"advertiser_id", advertiser_}, {"name", "Cola"}, {"category", "drinks"}});
    video_ = Created("/v1/videos", {{"title", "Trailer"}, {"duration", 600}});
    projector_.Subscribe();
  }

  std::string Created(const std::string& path, const json& body) {
    const ApiReply reply = api_.Call("POST", path, body);
    EXPECT_EQ(reply.status, 201) << path << ": " << reply.raw;
    return reply.body.is_object() ? reply.Id() : "";
  }

  std::string NewPlacement(double start, double end, const std::string& product = "") {
    return Created("/v1/placements", {{"video_id", video_},
                                      {"product_id", product.empty() ? product_ : product},
                                      {"time_range", {{"start_time", start}, {"end_time", end}}}});
  }

  void Patch(const std::string& path, const json& body) {
    const ApiReply current = api_.Call("GET", path);
    ASSERT_EQ(current.status, 200) << current.raw;
    const ApiReply reply =
        api_.Call("PATCH", path, body, {"If-Match: " + current.Header("ETag").value_or("")});
    ASSERT_EQ(reply.status, 200) << path << ": " << reply.raw;
  }

  void Delete(const std::string& path) {
    const ApiReply current = api_.Call("GET", path);
    ASSERT_EQ(current.status, 200) << current.raw;
    const ApiReply reply = api_.Call("DELETE", path, std::nullopt,
                                     {"If-Match: " + current.Header("ETag").value_or("")});
    ASSERT_EQ(reply.status, 204) << path << ": " << reply.raw;
  }

  /// Runs the projector until `sql` (a count) gives `expected`; returns what it gave last.
  std::int64_t ProjectUntil(const std::string& sql, std::int64_t expected) {
    std::int64_t count = -1;
    RunUntil(projector_, [&](int) { return (count = api_.Count(sql)) == expected; });
    return count;
  }

  std::vector<readmodel::Difference> Verify(std::int64_t& total) {
    pg::Connection sql = api_.Sql();
    return readmodel::DetailRows(sql).Verify(100, total);
  }

  ApiFixture api_;
  pg::Pool pool_{{.url = api_.Database().Url(), .max_size = 2}};
  consumers::Consumer projector_ = readmodel::MakeProjector(pool_);
  std::string advertiser_, product_, video_;
};

TEST_F(ProjectorTest, EveryWriteReachesTheRowsItChanges) {
  const std::string first = NewPlacement(10, 20);
  const std::string second = NewPlacement(30, 40);
  ASSERT_EQ(ProjectUntil("SELECT count(*) FROM placement_details", 2), 2);
  const pg::Row row = api_.Sql()
                          .Execute(
                              "SELECT video_title, product_name, product_category, "
                              "advertiser_name, start_time::text, end_time::text, status, "
                              "advertiser_id::text FROM placement_details WHERE id = $1",
                              pg::Params(first))
                          .Single();
  EXPECT_EQ(row[0].As<std::string>(), "Trailer");
  EXPECT_EQ(row[1].As<std::string>(), "Cola");
  EXPECT_EQ(row[2].As<std::string>(), "drinks");
  EXPECT_EQ(row[3].As<std::string>(), "acme");
  EXPECT_EQ(row[4].As<std::string>(), "10.000");
  EXPECT_EQ(row[5].As<std::string>(), "20.000");
  EXPECT_EQ(row[6].As<std::string>(), "active");
  EXPECT_EQ(row[7].As<std::string>(), advertiser_);

  Patch("/v1/placements/" + first, {{"time_range", {{"start_time", 11}, {"end_time", 21.5}}}});
  EXPECT_EQ(ProjectUntil("SELECT count(*) FROM placement_details WHERE end_time = 21.5", 1), 1);
  // Renames reach every row of the video, product or advertiser.
  Patch("/v1/videos/" + video_, {{"title", "Final cut"}});
  EXPECT_EQ(
      ProjectUntil("SELECT count(*) FROM placement_details WHERE video_title = 'Final cut'", 2), 2);
  Patch("/v1/products/" + product_, {{"name", "Cola Zero"}, {"category", "soft drinks"}});
  EXPECT_EQ(ProjectUntil("SELECT count(*) FROM placement_details WHERE product_name = "
                         "'Cola Zero' AND product_category = 'soft drinks'",
                         2),
            2);
  Patch("/v1/advertisers/" + advertiser_, {{"name", "Acme Corp"}});
  EXPECT_EQ(
      ProjectUntil("SELECT count(*) FROM placement_details WHERE advertiser_name = 'Acme Corp'", 2),
      2);

  Delete("/v1/placements/" + second);
  EXPECT_EQ(ProjectUntil("SELECT count(*) FROM placement_details", 1), 1);
  std::int64_t total = -1;
  EXPECT_TRUE(Verify(total).empty());
  EXPECT_EQ(total, 0);
}

TEST_F(ProjectorTest, EventsOfEveryScopeAndRepeatsInOneBatchAreRefreshedTogether) {
  const std::string other = Created(
      "/v1/products", {{"advertiser_id", advertiser_}, {"name", "Tea"}, {"category", "hot"}});
  const std::string first = NewPlacement(10, 20);
  const std::string second = NewPlacement(30, 40, other);
  const std::string gone = NewPlacement(50, 60);
  Patch("/v1/placements/" + first, {{"description", "one"}});
  Patch("/v1/placements/" + first, {{"description", "two"}});
  Patch("/v1/videos/" + video_, {{"title", "Teaser"}});
  Patch("/v1/products/" + other, {{"name", "Green tea"}});
  Patch("/v1/advertisers/" + advertiser_, {{"name", "Acme Corp"}});
  Delete("/v1/placements/" + gone);

  // All of them pending at once: a pass takes them in one batch (up to 500), scopes mixed.
  // The deletion comes last; the rename before it reached every row once this holds.
  EXPECT_EQ(ProjectUntil("SELECT CASE WHEN bool_and(advertiser_name = 'Acme Corp') THEN count(*) "
                         "ELSE -1 END FROM placement_details",
                         2),
            2);
  std::int64_t total = -1;
  EXPECT_TRUE(Verify(total).empty());
  EXPECT_EQ(total, 0);
  EXPECT_EQ(api_.Count("SELECT count(*) FROM placement_details WHERE video_title = 'Teaser' AND "
                       "advertiser_name = 'Acme Corp'"),
            2);
  EXPECT_EQ(api_.QueryText("SELECT description FROM placement_details WHERE id = '" + first + "'"),
            "two");
  EXPECT_EQ(
      api_.QueryText("SELECT product_name FROM placement_details WHERE id = '" + second + "'"),
      "Green tea");
}

TEST_F(ProjectorTest, AnEventProjectedAgainChangesNothing) {
  NewPlacement(10, 20);
  ASSERT_EQ(ProjectUntil("SELECT count(*) FROM placement_details", 1), 1);
  const std::string before = api_.QueryText("SELECT updated_at::text FROM placement_details");
  // Back to the log's beginning: every event is handled again.
  api_.Sql().Execute(
      "UPDATE event_subscriptions SET last_transaction_id = '0', last_position = 0 "
      "WHERE consumer = 'projector'");
  api_.Sql().Execute("DELETE FROM processed_events WHERE consumer = 'projector'");
  RunUntil(projector_, [](int moved) { return moved >= 4; });
  EXPECT_EQ(api_.QueryText("SELECT updated_at::text FROM placement_details"), before)
      << "an equal row is not rewritten";
}

TEST_F(ProjectorTest, VerifyNamesEveryDifferenceAndRebuildRepairsThem) {
  const std::string kept = NewPlacement(10, 20);
  const std::string lost = NewPlacement(30, 40);
  ASSERT_EQ(ProjectUntil("SELECT count(*) FROM placement_details", 2), 2);
  pg::Connection sql = api_.Sql();
  sql.Execute("UPDATE placement_details SET video_title = 'stale', end_time = 25 WHERE id = $1",
              pg::Params(kept));
  sql.Execute("DELETE FROM placement_details WHERE id = $1", pg::Params(lost));
  sql.Execute(
      "INSERT INTO placement_details SELECT gen_random_uuid(), video_id, video_title, "
      "product_id, product_name, product_category, advertiser_name, start_time, end_time, "
      "description, status, file_url, created_at, advertiser_id FROM placement_details "
      "WHERE id = $1",
      pg::Params(kept));

  std::int64_t total = 0;
  const std::vector<readmodel::Difference> differences = Verify(total);
  EXPECT_EQ(total, 3);
  std::map<std::string, std::string> found;
  for (const readmodel::Difference& difference : differences) {
    std::string columns;
    for (const std::string& column : difference.columns)
      columns += (columns.empty() ? "" : ",") + column;
    found[difference.id.ToString()] = difference.kind + ":" + columns;
  }
  EXPECT_EQ(found[kept], "differs:video_title,end_time");
  EXPECT_EQ(found[lost], "missing:");
  EXPECT_EQ(found.size(), 3U);

  sql.ExecuteScript("BEGIN");
  const readmodel::RebuildCounts counts = readmodel::DetailRows(sql).Rebuild();
  sql.ExecuteScript("COMMIT");
  EXPECT_EQ(counts.removed, 1);
  EXPECT_EQ(counts.written, 2);
  EXPECT_EQ(counts.total, 2);
  EXPECT_TRUE(Verify(total).empty());
}

TEST_F(ProjectorTest, TheQueryApiFiltersPagesAndKeepsToTheCallersAdvertiser) {
  const std::string other_advertiser = api_.NewAdvertiser("globex");
  const std::string other_product =
      Created("/v1/products",
              {{"advertiser_id", other_advertiser}, {"name", "Soap"}, {"category", "home"}});
  const std::string early = NewPlacement(0, 10);
  const std::string late = NewPlacement(100, 110);
  const std::string theirs = NewPlacement(50, 60, other_product);
  ASSERT_EQ(ProjectUntil("SELECT count(*) FROM placement_details", 3), 3);

  auto ids = [&](const std::string& query, const std::optional<std::string>& key = std::nullopt) {
    const ApiReply reply = api_.Call("GET", "/v1/placement-details" + query, std::nullopt, {}, key);
    EXPECT_EQ(reply.status, 200) << reply.raw;
    std::vector<std::string> found;
    for (const json& item : reply.body["data"])
      found.push_back(item["id"].get<std::string>());
    return found;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids("?video_id=" + video_), (Ids{early, late, theirs}));
  EXPECT_EQ(ids("?category=home"), (Ids{theirs}));
  EXPECT_EQ(ids("?product_id=" + product_ + "&overlaps_from=5&overlaps_to=100"), (Ids{early}));
  EXPECT_EQ(ids("?overlaps_from=10&overlaps_to=50"), Ids{}) << "touching ranges do not overlap";
  EXPECT_EQ(ids("?status=draft"), Ids{});
  EXPECT_EQ(ids("", api_.AdvertiserKey(other_advertiser)), (Ids{theirs}));
  EXPECT_EQ(ids("?advertiser_id=" + advertiser_, api_.AdvertiserKey(other_advertiser)), Ids{});

  const ApiReply first = api_.Call("GET", "/v1/placement-details?limit=2");
  ASSERT_EQ(first.body["data"].size(), 2U);
  const std::string cursor = first.body["meta"]["next_cursor"].get<std::string>();
  EXPECT_EQ(ids("?limit=2&cursor=" + cursor), (Ids{theirs}));

  const json item = api_.Call("GET", "/v1/placement-details?category=home").body["data"][0];
  EXPECT_EQ(item["product_name"], "Soap");
  EXPECT_EQ(item["advertiser_name"], "globex");
  EXPECT_EQ(item["time_range"], json({{"start_time", 50.0}, {"end_time", 60.0}}));

  const ApiReply bad = api_.Call("GET", "/v1/placement-details?overlaps_from=-1&overlaps_to=x");
  EXPECT_EQ(bad.status, 422) << bad.raw;
  EXPECT_EQ(bad.ErrorPointers(), "/query/overlaps_from /query/overlaps_to");
}

TEST_F(ProjectorTest, ItsObserverGetsEachProjectedEventsFreshness) {
  std::vector<std::int64_t> lags;
  consumers::Consumer observed =
      readmodel::MakeProjector(pool_, [&lags](std::int64_t lag_ms) { lags.push_back(lag_ms); });
  NewPlacement(10, 20);
  NewPlacement(30, 40);
  RunUntil(observed, [&](int) { return lags.size() >= 2; });
  ASSERT_EQ(lags.size(), 2U);
  for (const std::int64_t lag : lags) {
    EXPECT_GE(lag, 0);
    EXPECT_LT(lag, 20'000);
  }
}

}  // namespace
}  // namespace nedlia::testing
