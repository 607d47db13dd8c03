#include "api/api.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "api/advertiser_routes.hpp"
#include "api/campaign_routes.hpp"
#include "api/event_routes.hpp"
#include "api/openapi.hpp"
#include "api/placement_detail_routes.hpp"
#include "api/placement_file_routes.hpp"
#include "api/placement_routes.hpp"
#include "api/problems.hpp"
#include "api/product_routes.hpp"
#include "api/request_context.hpp"
#include "api/validation_routes.hpp"
#include "api/video_routes.hpp"
#include "api/webhook_routes.hpp"
#include "http/request_text.hpp"
#include "metrics/registry.hpp"
#include "process/log_context.hpp"

namespace nedlia::api {
namespace {

/// The trace id of a traceparent header ("00-<trace id>-<span id>-<flags>"), or "".
std::string TraceIdOf(const http::Response& response) {
  const auto header = response.Header("traceparent");
  return header && header->size() >= 35 ? std::string(header->substr(3, 32)) : std::string();
}

/// Logs each request with its status and duration: to the debug log (it is chatty) and, when
/// there is one, to the API log with who sent it and its trace.
http::Handler LoggingAccess(http::Handler next, app::ApiLog* api_log) {
  return [next = std::move(next), api_log](http::Request& request) {
    const auto arrived = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();
    http::Response response = next(request);
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (spdlog::should_log(spdlog::level::debug)) {
      // The JSON format has them as fields; the text format reads them in the message.
      const std::string route = request.route.empty() ? "unmatched" : std::string(request.route);
      std::vector<std::pair<std::string, std::string>> line{
          {"method", std::string(http::MethodName(request.method))},
          {"route", route},
          {"status", std::to_string(response.status)},
          {"duration_ms", fmt::format("{:.3f}", static_cast<double>(elapsed.count()) / 1000.0)}};
      if (std::string trace = TraceIdOf(response); !trace.empty())
        line.emplace_back("trace_id", std::move(trace));
      const process::LogFields fields(std::move(line));
      spdlog::debug("{} {} ({}) {} {}us", http::MethodName(request.method),
                    http::EscapeForLog(request.target), route, response.status, elapsed.count());
    }
    if (api_log != nullptr) {
      api_log->Record({.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    arrived.time_since_epoch())
                                    .count(),
                       .method = std::string(http::MethodName(request.method)),
                       .path = request.path,
                       .status = response.status,
                       .duration_us = elapsed.count(),
                       .principal_id = domain::Uuid::Parse(request.authenticated_as),
                       .trace_id = TraceIdOf(response)});
    }
    return response;
  };
}

}  // namespace

Api::Api(app::Database& database, http::ReadinessProbe readiness, app::ApiKeyCache& keys,
         app::EventStreams& streams, ApiOptions options)
    : options_(std::move(options)),
      authenticator_(std::make_unique<Authenticator>(keys, metrics::Registry::Process())) {
  http::AddHealthRoutes(router_, std::move(readiness));
  AddOpenApiRoute(router_);
  AddEventSchemaRoutes(router_, options_.event_schemas);
  router_.Add(http::Method::kGet, "/metrics", [](http::Request&) {
    http::Response response = http::Response::Text(200, metrics::Registry::Process().Render());
    response.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return response;
  });
  AddPlacementRoutes(router_, *authenticator_, database);
  AddPlacementDetailRoutes(router_, *authenticator_, database);
  AddAdvertiserRoutes(router_, *authenticator_, database);
  AddProductRoutes(router_, *authenticator_, database);
  AddCampaignRoutes(router_, *authenticator_, database);
  AddVideoRoutes(router_, *authenticator_, database);
  AddValidationRoutes(router_, *authenticator_, database);
  AddEventRoutes(router_, *authenticator_, database, streams);
  AddWebhookRoutes(router_, *authenticator_, database, options_.webhooks);
  AddPlacementFileRoutes(router_, options_.placement_files);
}

Api::~Api() = default;

http::Handler Api::Handler() {
  // The middleware chain, outermost first:
  //   access log  - every request, with status and time
  //   errors      - application errors to problem+json, anything else to a logged 500
  //   router      - 404/405, then the route, which authenticates (Secured) and, for POST,
  //                 runs under its Idempotency-Key (IdempotentPost)
  http::Handler routed = [this](http::Request& request) { return router_.Handle(request); };
  return LoggingAccess(MappingErrors(std::move(routed)), options_.api_log);
}

}  // namespace nedlia::api
