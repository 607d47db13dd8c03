#include "api/openapi.hpp"

#include <stdexcept>
#include <string>

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
