#include "http/response.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nedlia::http {
namespace {

TEST(ResponseTest, JsonSetsTheContentType) {
  const Response response = Response::Json(201, {{"data", {{"id", 1}}}});
  EXPECT_EQ(response.status, 201);
  EXPECT_EQ(response.Header("content-type"), "application/json");
  EXPECT_EQ(nlohmann::json::parse(response.body)["data"]["id"], 1);
}

TEST(ResponseTest, ProblemFollowsRfc9457) {
  const Response response = Response::Problem(409, "Conflict", "the placement overlaps");
  EXPECT_EQ(response.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(nlohmann::json::parse(response.body),
            nlohmann::json({{"type", "about:blank"},
                            {"title", "Conflict"},
                            {"status", 409},
                            {"detail", "the placement overlaps"}}));
}

TEST(ResponseTest, ProblemExtensionMembersCannotReplaceTheStandardOnes) {
  const nlohmann::json extra = {{"instance", "/v1/placements/7"},
                                {"errors", {{{"pointer", "/time_range"}}}},
                                {"status", 200}};
  const Response response = Response::Problem(422, "Unprocessable Content", "invalid fields",
                                              "https://nedlia.dev/problems/validation", extra);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["type"], "https://nedlia.dev/problems/validation");
  EXPECT_EQ(body["status"], 422);
  EXPECT_EQ(body["instance"], "/v1/placements/7");
  EXPECT_EQ(body["errors"][0]["pointer"], "/time_range");
}

TEST(ResponseTest, TextIsPlainUtf8) {
  const Response response = Response::Text(200, "hello");
  EXPECT_EQ(response.Header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(response.body, "hello");
}

TEST(ResponseTest, SetHeaderReplacesEveryFieldOfThatName) {
  Response response = Response::Text(200, "");
  response.headers.push_back({"ETag", "\"1\""});
  response.headers.push_back({"etag", "\"2\""});
  response.SetHeader("ETAG", "\"3\"");
  EXPECT_EQ(response.Header("etag"), "\"3\"");
  EXPECT_EQ(response.headers.size(), 2u);  // Content-Type and the one ETag
}

}  // namespace
}  // namespace nedlia::http
