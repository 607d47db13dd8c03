// Requests counted by route template, never by path: the series stay as few as the routes.
#include "http/request_metrics.hpp"

#include <gtest/gtest.h>

#include <string>

#include "http/router.hpp"

namespace nedlia::http {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(RequestMetricsTest, ARoutedRequestIsCountedUnderItsTemplate) {
  RequestMetrics metrics;
  Router router;
  router.Add(Method::kGet, "/v1/things/{id}", [](Request&) { return Response::Text(200, "x"); });
  router.Instrument(metrics);
  for (const char* id : {"/v1/things/1", "/v1/things/2", "/v1/things/3"}) {
    Request request = Request::For(Method::kGet, id);
    const Response response = router.Handle(request);
    ASSERT_NE(request.series, nullptr);
    EXPECT_EQ(request.route, "/v1/things/{id}");
    request.series->Record(request.method, response.status, 0.002);
  }
  const std::string text = metrics.Render();
  EXPECT_TRUE(
      Has(text, R"(nedlia_http_requests_total{route="/v1/things/{id}",method="GET",code="2xx"} 3)"))
      << text;
  EXPECT_TRUE(
      Has(text,
          R"(nedlia_http_request_duration_seconds_bucket{route="/v1/things/{id}",le="0.0025"} 3)"))
      << text;
  EXPECT_TRUE(Has(text, R"(nedlia_http_request_duration_seconds_count{route="/v1/things/{id}"} 3)"))
      << text;
  EXPECT_EQ(text.find("/v1/things/1"), std::string::npos) << "a path became a label";
}

TEST(RequestMetricsTest, UnknownPathsShareOneSeriesAndRoutesAddedLaterAreCounted) {
  RequestMetrics metrics;
  Router router;
  router.Instrument(metrics);
  router.Add(Method::kPost, "/v1/things", [](Request&) { return Response::Text(201, ""); });
  for (const char* path : {"/nothing", "/v1/nothing/here", "/%zz"}) {
    Request request = Request::For(Method::kGet, path);
    const Response response = router.Handle(request);
    ASSERT_NE(request.series, nullptr) << path;
    request.series->Record(request.method, response.status, 0.001);
  }
  Request wrong_method = Request::For(Method::kDelete, "/v1/things");
  const Response refused = router.Handle(wrong_method);
  EXPECT_EQ(refused.status, 405);
  wrong_method.series->Record(wrong_method.method, refused.status, 0.001);
  Request post = Request::For(Method::kPost, "/v1/things");
  const Response created = router.Handle(post);
  post.series->Record(post.method, created.status, 0.001);
  metrics.Unrouted().Record(Method::kGet, 503, 0.0);  // shed before routing
  metrics.Unrouted().RecordOther(400, 0.0);           // a head that was never read

  const std::string text = metrics.Render();
  EXPECT_TRUE(
      Has(text, R"(nedlia_http_requests_total{route="unmatched",method="GET",code="4xx"} 3)"))
      << text;
  EXPECT_TRUE(
      Has(text, R"(nedlia_http_requests_total{route="unmatched",method="DELETE",code="4xx"} 1)"))
      << text;
  EXPECT_TRUE(
      Has(text, R"(nedlia_http_requests_total{route="/v1/things",method="POST",code="2xx"} 1)"))
      << text;
  EXPECT_TRUE(Has(text, R"(nedlia_http_requests_total{route="none",method="GET",code="5xx"} 1)"))
      << text;
  EXPECT_TRUE(Has(text, R"(nedlia_http_requests_total{route="none",method="OTHER",code="4xx"} 1)"))
      << text;
  // One HELP and TYPE per family, whatever the routes: the text format wants them once.
  EXPECT_EQ(text.find("# TYPE nedlia_http_requests_total"),
            text.rfind("# TYPE nedlia_http_requests_total"));
}

}  // namespace
}  // namespace nedlia::http
