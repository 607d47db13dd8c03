#include "http/request.hpp"

#include <gtest/gtest.h>

namespace nedlia::http {
namespace {

TEST(RequestTest, TargetIsSplitIntoPathAndQuery) {
  const Request request = Request::For(Method::kGet, "/v1/things?limit=10&cursor=abc");
  EXPECT_EQ(request.target, "/v1/things?limit=10&cursor=abc");
  EXPECT_EQ(request.path, "/v1/things");
  EXPECT_EQ(request.query, "limit=10&cursor=abc");
}

TEST(RequestTest, QueryParametersAreDecodedWithPlusAsSpace) {
  const Request request = Request::For(Method::kGet, "/s?q=red+shoes%21&na%6De=x");
  EXPECT_EQ(request.Query("q"), "red shoes!");
  EXPECT_EQ(request.Query("name"), "x");
}

TEST(RequestTest, FirstOccurrenceOfARepeatedParameterWins) {
  EXPECT_EQ(Request::For(Method::kGet, "/s?a=1&a=2").Query("a"), "1");
}

TEST(RequestTest, MissingParameterIsNulloptAndAValuelessOneIsEmpty) {
  const Request request = Request::For(Method::kGet, "/s?flag&empty=");
  EXPECT_EQ(request.Query("missing"), std::nullopt);
  EXPECT_EQ(request.Query("flag"), "");
  EXPECT_EQ(request.Query("empty"), "");
}

TEST(RequestTest, MalformedEscapeInAQueryValueIsKeptAsSent) {
  EXPECT_EQ(Request::For(Method::kGet, "/s?limit=%zz").Query("limit"), "%zz");
}

TEST(RequestTest, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"Content-Type", "application/json"}, {"X-Twice", "1"}, {"x-twice", "2"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("X-TWICE"), "1");
  EXPECT_EQ(request.Header("Accept"), std::nullopt);
}

TEST(RequestTest, MethodsRoundTripThroughTheirNames) {
  for (const Method method : {Method::kGet, Method::kHead, Method::kPost, Method::kPut,
                              Method::kPatch, Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(method)), method);
  }
  EXPECT_EQ(ParseMethod("get"), std::nullopt);  // method names are case-sensitive
  EXPECT_EQ(ParseMethod("BREW"), std::nullopt);
}

}  // namespace
}  // namespace nedlia::http
