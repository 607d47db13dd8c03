#include "api/openapi.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "api/embedded_file.hpp"

namespace nedlia::api {
namespace {

void MergeInto(nlohmann::json& target, const nlohmann::json& members, std::string_view what,
               std::string_view file) {
  for (const auto& [name, value] : members.items()) {
    if (target.contains(name)) {
      throw std::logic_error(std::string(file) + " defines " + std::string(what) + " " + name +
                             " twice");
    }
    target[name] = value;
  }
}

nlohmann::json ResponseRef(std::string_view name) {
  return {{"$ref", "#/components/responses/" + std::string(name)}};
}

/// The answers the server gives on any route, documented once here rather than in every
/// fragment: 400 (a path, query or header that is not text), 500 and 503 on every operation;
/// 401 on those that need a key; 304 on the GETs that need one (ConditionalGet answers each
/// of them with an ETag). An operation's own entry for a status wins.
void AddCommonResponses(nlohmann::json& paths) {
  for (auto& [path, item] : paths.items()) {
    for (auto& [method, operation] : item.items()) {
      if (method == "parameters")
        continue;
      nlohmann::json& responses = operation["responses"];
      const bool is_public = operation.contains("security") && operation["security"].empty();
      std::vector<std::pair<const char*, const char*>> common = {
          {"400", "BadRequest"}, {"500", "InternalError"}, {"503", "Unavailable"}};
      if (!is_public)
        common.emplace_back("401", "Unauthenticated");
      const bool streams =
          responses.contains("200") &&
          responses["200"].value("content", nlohmann::json::object()).contains("text/event-stream");
      if (!is_public && method == "get" && !streams)
        common.emplace_back("304", "NotModified");
      for (const auto& [status, response] : common) {
        if (!responses.contains(status))
          responses[status] = ResponseRef(response);
      }
    }
  }
}

nlohmann::json Assemble() {
  nlohmann::json document;
  std::vector<std::pair<std::string_view, nlohmann::json>> fragments;
  for (const EmbeddedFile& file : OpenApiFragments()) {
    nlohmann::json json = nlohmann::json::parse(file.text, nullptr, false);
    if (json.is_discarded())
      throw std::logic_error(std::string(file.name) + " is not JSON");
    if (file.name == "_base.json") {
      document = std::move(json);
    } else {
      fragments.emplace_back(file.name, std::move(json));
    }
  }
  for (const auto& [name, fragment] : fragments) {
    MergeInto(document["paths"], fragment.value("paths", nlohmann::json::object()), "path", name);
    MergeInto(document["components"]["schemas"],
              fragment.value("schemas", nlohmann::json::object()), "schema", name);
  }
  AddCommonResponses(document["paths"]);
  return document;
}

}  // namespace

const nlohmann::json& OpenApiDocument() {
  static const nlohmann::json kDocument = Assemble();
  return kDocument;
}

void AddOpenApiRoute(http::Router& router) {
  router.Add(http::Method::kGet, "/v1/openapi.json",
             [](http::Request&) { return http::Response::Json(200, OpenApiDocument()); });
}

}  // namespace nedlia::api
