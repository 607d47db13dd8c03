#include "http/health.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>

#include <nlohmann/json.hpp>

namespace nedlia::http {
namespace {

// Health answers must never come from a cache: a stale "ready" keeps traffic flowing to a
// broken node.
Response Uncached(Response response) {
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

std::optional<std::string> RunProbe(const ReadinessProbe& probe) {
  try {
    return probe();
  } catch (const std::exception& error) {
    spdlog::error("readiness probe failed: {}", error.what());
  } catch (...) {
    spdlog::error("readiness probe failed with an unknown exception");
  }
  return "the readiness probe failed";
}

Response Readiness(const ReadinessProbe& probe) {
  const std::optional<std::string> reason = RunProbe(probe);
  if (!reason) {
    return Uncached(Response::Json(200, {{"status", "ready"}}));
  }
  Response response = Response::Problem(503, "Service Unavailable", *reason);
  response.SetHeader("Retry-After", "5");
  return Uncached(std::move(response));
}

}  // namespace

void AddHealthRoutes(Router& router, ReadinessProbe readiness_probe) {
  router.Add(Method::kGet, "/healthz", [](Request&) {
    return Uncached(Response::Json(200, {{"status", "ok"}}));
  });
  router.Add(Method::kGet, "/readyz",
             [probe = std::move(readiness_probe)](Request&) { return Readiness(probe); });
}

}  // namespace nedlia::http
