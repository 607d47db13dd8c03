#include "http/health.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace nedlia::http {
namespace {

Response Get(Router& router, std::string_view path) {
  Request request = Request::For(Method::kGet, path);
  return router.Handle(request);
}

TEST(HealthTest, HealthzIsOkWithoutAskingTheProbe) {
  Router router;
  int probed = 0;
  AddHealthRoutes(router, [&probed] {
    ++probed;
    return std::optional<std::string>("down");
  });
  const Response response = Get(router, "/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body), nlohmann::json({{"status", "ok"}}));
  EXPECT_EQ(response.Header("Cache-Control"), "no-store");
  EXPECT_EQ(probed, 0);
}

TEST(HealthTest, ReadyzIsReadyWhenTheProbeFindsNothingWrong) {
  Router router;
  AddHealthRoutes(router, [] { return std::optional<std::string>(); });
  const Response response = Get(router, "/readyz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body), nlohmann::json({{"status", "ready"}}));
}

TEST(HealthTest, ReadyzIs503WithTheProbesReasonAndRetryAfter) {
  Router router;
  AddHealthRoutes(router, [] { return std::optional<std::string>("database unreachable"); });
  const Response response = Get(router, "/readyz");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.Header("Content-Type"), "application/problem+json");
  EXPECT_EQ(response.Header("Retry-After"), "5");
  EXPECT_EQ(nlohmann::json::parse(response.body)["detail"], "database unreachable");
}

TEST(HealthTest, ThrowingProbeMeansNotReadyWithoutLeakingTheMessage) {
  Router router;
  AddHealthRoutes(
      router, []() -> std::optional<std::string> { throw std::runtime_error("password=hunter2"); });
  const Response response = Get(router, "/readyz");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace nedlia::http
