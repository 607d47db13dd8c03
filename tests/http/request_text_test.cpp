#include "http/request_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nedlia::http {
namespace {

TEST(Utf8Test, AcceptsWellFormedTextAndRefusesEverythingElse) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xac"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("caf\xe9"));           // Latin-1
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // cut short
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // cut short
}

TEST(EscapeForLogTest, KeepsPrintableAsciiAndEscapesEveryOtherByte) {
  EXPECT_EQ(EscapeForLog("GET /v1/videos?limit=10"), "GET /v1/videos?limit=10");
  EXPECT_EQ(EscapeForLog("a\r\nFAKE log line\xff"), "a\\x0d\\x0aFAKE log line\\xff");
  EXPECT_EQ(EscapeForLog(std::string(10, 'x'), 4), "xxxx...");
}

TEST(CheckRequestTextTest, PointsAtThePartThatIsNotText) {
  const auto pointer = [](const Request& request) {
    const auto problem = CheckRequestText(request);
    return problem ? nlohmann::json::parse(problem->body)["errors"][0]["pointer"].get<std::string>()
                   : std::string("ok");
  };
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/videos?limit=10&q=caf%C3%A9")), "ok");
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/vide\xffs")), "/path");
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/%ff")), "/path");
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/videos?limit=%ff")), "/query/limit");
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/videos?a%2Fb=%ff")), "/query/a~1b");
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/videos?%ff=1")), "/query");
  EXPECT_EQ(pointer(Request::For(Method::kGet, "/v1/videos?limit=%zz")), "ok")
      << "a malformed escape is the handler's to report";
  Request header = Request::For(Method::kGet, "/");
  header.headers.push_back({"X-Name", "caf\xe9"});
  EXPECT_EQ(pointer(header), "/header/X-Name");
}

TEST(ProblemTest, AMessageWithBytesThatAreNotUtf8StillMakesAProblemDocument) {
  const Response response = Response::Problem(404, "Not Found", "no resource at /vide\xffs");
  EXPECT_EQ(nlohmann::json::parse(response.body)["detail"], "no resource at /vide\xef\xbf\xbds");
}

}  // namespace
}  // namespace nedlia::http
