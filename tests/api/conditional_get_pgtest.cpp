// If-None-Match on reads: 304 while the representation is unchanged, 200 with the new one
// as soon as a change committed (the server keeps no copy of any resource).
#include <gtest/gtest.h>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

class ConditionalGetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string advertiser = api_.NewAdvertiser("acme");
    product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" + advertiser +
                              "', 'Cola') RETURNING id");
    video_ = api_.QueryText(
        "INSERT INTO videos (title, duration, status) VALUES ('Trailer', 60, 'ready') "
        "RETURNING id");
  }

  ApiFixture api_;
  std::string product_, video_;
};

TEST_F(ConditionalGetTest, AVersionedResourceAnswers304UntilItChanges) {
  const ApiReply created = api_.Call("POST", "/v1/placements",
                                     json{{"video_id", video_},
                                          {"product_id", product_},
                                          {"time_range", {{"start_time", 1}, {"end_time", 2}}}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::string path = "/v1/placements/" + created.Id();

  const ApiReply same = api_.Call("GET", path, std::nullopt, {"If-None-Match: \"1\""});
  EXPECT_EQ(same.status, 304) << same.raw;
  EXPECT_EQ(same.raw, "");
  EXPECT_EQ(same.Header("ETag"), "\"1\"");
  EXPECT_EQ(api_.Call("GET", path, std::nullopt, {"If-None-Match: W/\"7\", W/\"1\""}).status, 304)
      << "any tag of the list, compared weakly";
  EXPECT_EQ(api_.Call("GET", path, std::nullopt, {"If-None-Match: *"}).status, 304);

  ASSERT_EQ(api_.Call("PATCH", path, json{{"description", "new"}}, {"If-Match: \"1\""}).status,
            200);
  const ApiReply changed = api_.Call("GET", path, std::nullopt, {"If-None-Match: \"1\""});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body["data"]["description"], "new");
  EXPECT_EQ(changed.Header("ETag"), "\"2\"");
}

TEST_F(ConditionalGetTest, AFileUrlSetWithoutANewVersionStillChangesTheTag) {
  const ApiReply created = api_.Call("POST", "/v1/placements",
                                     json{{"video_id", video_},
                                          {"product_id", product_},
                                          {"time_range", {{"start_time", 1}, {"end_time", 2}}}});
  ASSERT_EQ(created.status, 201) << created.raw;
  const std::string path = "/v1/placements/" + created.Id();
  // As the file generator writes it: a derived write keeps version and updated_at.
  api_.Sql().ExecuteScript(
      "BEGIN; SELECT set_config('nedlia.derived_write', 'on', true); UPDATE placements SET "
      "file_url = '/files/placements/x.json' WHERE id = '" +
      created.Id() + "'; COMMIT");

  const ApiReply fetched = api_.Call("GET", path, std::nullopt, {"If-None-Match: \"1\""});
  EXPECT_EQ(fetched.status, 200) << "the old tag must not hide the new file_url";
  EXPECT_EQ(fetched.body["data"]["file_url"], "/files/placements/x.json");
  EXPECT_EQ(fetched.body["data"]["version"], 1);
  const std::string tag = fetched.Header("ETag").value_or("");
  EXPECT_TRUE(tag.starts_with("\"1-")) << tag;
  EXPECT_EQ(api_.Call("GET", path, std::nullopt, {"If-None-Match: " + tag}).status, 304);
  // If-Match compares the version: the derived tag is as good as "1".
  EXPECT_EQ(api_.Call("PATCH", path, json{{"description", "d"}}, {"If-Match: " + tag}).status, 200);
}

TEST_F(ConditionalGetTest, AnUnversionedReadGetsATagOfItsContent) {
  const ApiReply first = api_.Call("GET", "/v1/placements?video_id=" + video_);
  ASSERT_EQ(first.status, 200);
  const std::string tag = first.Header("ETag").value_or("");
  ASSERT_EQ(tag.size(), 34U) << tag;
  EXPECT_EQ(
      api_.Call("GET", "/v1/placements?video_id=" + video_, std::nullopt, {"If-None-Match: " + tag})
          .status,
      304);
  ASSERT_EQ(api_.Call("POST", "/v1/placements",
                      json{{"video_id", video_},
                           {"product_id", product_},
                           {"time_range", {{"start_time", 1}, {"end_time", 2}}}})
                .status,
            201);
  const ApiReply after = api_.Call("GET", "/v1/placements?video_id=" + video_, std::nullopt,
                                   {"If-None-Match: " + tag});
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body["data"].size(), 1U);
  EXPECT_NE(after.Header("ETag"), tag);
}

}  // namespace
}  // namespace nedlia::testing
