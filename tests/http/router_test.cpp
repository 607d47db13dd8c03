#include "http/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nedlia::http {
namespace {

Handler Answer(const std::string& text) {
  return [text](Request&) { return Response::Text(200, text); };
}

nlohmann::json Body(const Response& response) {
  return nlohmann::json::parse(response.body);
}

class RouterTest : public ::testing::Test {
 protected:
  Response Dispatch(Method method, std::string_view target) {
    last_ = Request::For(method, target);
    return router_.Handle(last_);
  }

  Router router_;
  Request last_;
};

TEST_F(RouterTest, LiteralPathReachesItsHandler) {
  router_.Add(Method::kGet, "/v1/things", Answer("list"));
  router_.Add(Method::kPost, "/v1/things", Answer("create"));
  EXPECT_EQ(Dispatch(Method::kGet, "/v1/things").body, "list");
  EXPECT_EQ(Dispatch(Method::kPost, "/v1/things").body, "create");
}

TEST_F(RouterTest, RootTemplateMatchesOnlyTheRoot) {
  router_.Add(Method::kGet, "/", Answer("root"));
  EXPECT_EQ(Dispatch(Method::kGet, "/").body, "root");
  EXPECT_EQ(Dispatch(Method::kGet, "/x").status, 404);
}

TEST_F(RouterTest, PathParametersAreBoundByName) {
  router_.Add(Method::kGet, "/v1/videos/{video}/placements/{id}", Answer("one"));
  ASSERT_EQ(Dispatch(Method::kGet, "/v1/videos/v7/placements/p9?x=1").status, 200);
  EXPECT_EQ(last_.PathParam("video"), "v7");
  EXPECT_EQ(last_.PathParam("id"), "p9");
  EXPECT_THROW(last_.PathParam("missing"), std::out_of_range);
}

TEST_F(RouterTest, SegmentsAreDecodedAfterSplittingSoAnEncodedSlashStaysInItsParameter) {
  router_.Add(Method::kGet, "/v1/things/{id}", Answer("one"));
  ASSERT_EQ(Dispatch(Method::kGet, "/v1/things/a%2Fb%20c+d").status, 200);
  EXPECT_EQ(last_.PathParam("id"), "a/b c+d");  // '+' is literal in a path
}

TEST_F(RouterTest, LiteralMatchesItsPercentEncodedSpelling) {
  router_.Add(Method::kGet, "/v1/things", Answer("list"));
  EXPECT_EQ(Dispatch(Method::kGet, "/v1/th%69ngs").body, "list");
}

TEST_F(RouterTest, MalformedPercentEncodingAnswers400) {
  router_.Add(Method::kGet, "/v1/things/{id}", Answer("one"));
  const Response response = Dispatch(Method::kGet, "/v1/things/%zz");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.Header("Content-Type"), "application/problem+json");
}

TEST_F(RouterTest, LiteralSegmentBeatsAParameterWhicheverIsAddedFirst) {
  router_.Add(Method::kGet, "/v1/things/{id}", Answer("one"));
  router_.Add(Method::kGet, "/v1/things/search", Answer("search"));
  EXPECT_EQ(Dispatch(Method::kGet, "/v1/things/search").body, "search");
  EXPECT_EQ(Dispatch(Method::kGet, "/v1/things/other").body, "one");
}

TEST_F(RouterTest, TrailingSlashIsADifferentPath) {
  router_.Add(Method::kGet, "/v1/things", Answer("list"));
  EXPECT_EQ(Dispatch(Method::kGet, "/v1/things/").status, 404);
  EXPECT_EQ(Dispatch(Method::kGet, "/v1//things").status, 404);
}

TEST_F(RouterTest, ParameterNeverMatchesAnEmptySegment) {
  router_.Add(Method::kGet, "/v1/things/{id}", Answer("one"));
  EXPECT_EQ(Dispatch(Method::kGet, "/v1/things/").status, 404);
}

TEST_F(RouterTest, UnknownPathAnswers404Problem) {
  router_.Add(Method::kGet, "/v1/things", Answer("list"));
  const Response response = Dispatch(Method::kGet, "/v1/nothing");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(Body(response), nlohmann::json({{"type", "about:blank"},
                                            {"title", "Not Found"},
                                            {"status", 404},
                                            {"detail", "no resource at /v1/nothing"}}));
}

TEST_F(RouterTest, KnownPathWithAnotherMethodAnswers405WithAllow) {
  router_.Add(Method::kGet, "/v1/things/{id}", Answer("one"));
  router_.Add(Method::kDelete, "/v1/things/{id}", Answer("delete"));
  const Response response = Dispatch(Method::kPut, "/v1/things/7");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("Allow"), "GET, HEAD, DELETE");
  EXPECT_EQ(Body(response)["title"], "Method Not Allowed");
  EXPECT_EQ(Body(response)["status"], 405);
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  router_.Add(Method::kGet, "/v1/things", Answer("list"));
  EXPECT_EQ(Dispatch(Method::kHead, "/v1/things").body, "list");  // the server drops the body
}

TEST_F(RouterTest, ExplicitHeadRouteWinsOverGet) {
  router_.Add(Method::kGet, "/v1/things", Answer("list"));
  router_.Add(Method::kHead, "/v1/things", Answer("head"));
  EXPECT_EQ(Dispatch(Method::kHead, "/v1/things").body, "head");
}

TEST_F(RouterTest, MalformedTemplatesAreRejected) {
  EXPECT_THROW(router_.Add(Method::kGet, "v1/things", Answer("")), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "", Answer("")), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/v1/{}", Answer("")), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/v1/{a{b}", Answer("")), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/v1/x{id}", Answer("")), std::invalid_argument);
  EXPECT_THROW(router_.Add(Method::kGet, "/v1/a%20b", Answer("")), std::invalid_argument);
}

TEST_F(RouterTest, DuplicateRoutesAreRejectedEvenWithOtherParameterNames) {
  router_.Add(Method::kGet, "/v1/things/{id}", Answer("one"));
  EXPECT_THROW(router_.Add(Method::kGet, "/v1/things/{thing}", Answer("")), std::invalid_argument);
  EXPECT_NO_THROW(router_.Add(Method::kPatch, "/v1/things/{id}", Answer("")));
}

TEST_F(RouterTest, RoutesAreListedInRegistrationOrder) {
  router_.Add(Method::kGet, "/v1/things", Answer(""));
  router_.Add(Method::kPost, "/v1/things", Answer(""));
  router_.Add(Method::kGet, "/v1/things/{id}", Answer(""));
  const auto routes = router_.Routes();
  ASSERT_EQ(routes.size(), 3u);
  EXPECT_EQ(routes[0].method, Method::kGet);
  EXPECT_EQ(routes[1].method, Method::kPost);
  EXPECT_EQ(routes[2].path_template, "/v1/things/{id}");
}

}  // namespace
}  // namespace nedlia::http
