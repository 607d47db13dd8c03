#include "api/event_schema_routes.hpp"

#include <memory>
#include <utility>

#include "api/conditional_get.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

constexpr std::string_view kSchemaMediaType = "application/schema+json";
constexpr std::string_view kCacheControl = "public, max-age=3600";

/// An answer rendered once at start; each request copies it.
http::Response Rendered(std::string_view content_type, const nlohmann::json& body) {
  http::Response response = http::Response::Json(200, body);
  response.SetHeader("Content-Type", content_type);
  response.SetHeader("Cache-Control", kCacheControl);
  return response;
}

nlohmann::json Index(const EventSchemas& schemas) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& [type, schema] : schemas)
    data.push_back({{"type", type}, {"schema", schema.at("$id")}});
  return {{"data", std::move(data)}};
}

}  // namespace

void AddEventSchemaRoutes(http::Router& router, const EventSchemas& schemas) {
  using Answers = std::map<std::string, http::Response, std::less<>>;
  auto answers = std::make_shared<Answers>();
  for (const auto& [type, schema] : schemas)
    answers->emplace(type, Rendered(kSchemaMediaType, schema));
  auto index = std::make_shared<const http::Response>(Rendered("application/json", Index(schemas)));
  router.Add(http::Method::kGet, "/v1/schemas/events",
             [index](http::Request& request) { return ConditionalGet(request, *index); });
  router.Add(
      http::Method::kGet, "/v1/schemas/events/{type}",
      [answers = std::shared_ptr<const Answers>(std::move(answers))](http::Request& request) {
        const auto found = answers->find(request.PathParam("type"));
        if (found == answers->end()) {
          throw app::Error(app::ErrorKind::kNotFound,
                           "no such event type is published: GET /v1/schemas/events "
                           "lists them");
        }
        return ConditionalGet(request, found->second);
      });
}

}  // namespace nedlia::api
