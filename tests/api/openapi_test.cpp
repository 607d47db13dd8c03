// The OpenAPI document and the router must describe the same API: every route documented,
// every documented operation routed, every $ref resolvable.
#include "api/openapi.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "api/api.hpp"

namespace nedlia::api {
namespace {

/// Routes are only listed here, never called.
class UnusedDatabase : public app::Database {
 public:
  void RunWrite(const app::CallContext&, const TransactionWork&) override {
    throw std::logic_error("not used");
  }
  void RunRead(const TransactionWork&) override { throw std::logic_error("not used"); }
};

/// The same for the event streams.
class UnusedStreams : public app::EventStreams {
 public:
  std::unique_ptr<app::EventSubscription> Subscribe(app::StreamRequest) override {
    throw std::logic_error("not used");
  }
};

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::set<std::string> RoutedOperations() {
  UnusedDatabase database;
  metrics::Registry registry;
  app::ApiKeyCache keys(database, {}, registry);
  UnusedStreams streams;
  Api api(
      database, [] { return std::nullopt; }, keys, streams);
  std::set<std::string> operations;
  for (const auto& route : api.Routes().Routes()) {
    operations.insert(Lower(http::MethodName(route.method)) + " " + route.path_template);
  }
  return operations;
}

std::set<std::string> DocumentedOperations() {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "patch", "head"};
  std::set<std::string> operations;
  for (const auto& [path, item] : OpenApiDocument().at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (kMethods.contains(method))
        operations.insert(method + " " + path);
    }
  }
  return operations;
}

void CollectRefs(const nlohmann::json& node, std::set<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string())
        refs.insert(value.get<std::string>());
      CollectRefs(value, refs);
    }
  } else if (node.is_array()) {
    for (const auto& value : node)
      CollectRefs(value, refs);
  }
}

TEST(OpenApiTest, EveryRouteIsDocumented) {
  const auto documented = DocumentedOperations();
  for (const auto& operation : RoutedOperations()) {
    EXPECT_TRUE(documented.contains(operation)) << operation << " is routed but not documented";
  }
}

TEST(OpenApiTest, EveryDocumentedOperationIsRouted) {
  const auto routed = RoutedOperations();
  for (const auto& operation : DocumentedOperations()) {
    EXPECT_TRUE(routed.contains(operation)) << operation << " is documented but not routed";
  }
}

TEST(OpenApiTest, EveryReferenceResolves) {
  const nlohmann::json& document = OpenApiDocument();
  std::set<std::string> refs;
  CollectRefs(document, refs);
  ASSERT_FALSE(refs.empty());
  for (const auto& ref : refs) {
    ASSERT_TRUE(ref.starts_with("#/")) << ref;
    EXPECT_TRUE(document.contains(nlohmann::json::json_pointer(ref.substr(1))))
        << ref << " does not resolve";
  }
}

TEST(OpenApiTest, EveryOperationDeclaresItsResponses) {
  for (const auto& [path, item] : OpenApiDocument().at("paths").items()) {
    for (const auto& [method, operation] : item.items()) {
      if (method == "parameters")
        continue;
      EXPECT_TRUE(operation.contains("responses") && !operation["responses"].empty())
          << method << " " << path;
      EXPECT_TRUE(operation.contains("summary")) << method << " " << path;
    }
  }
}

TEST(OpenApiTest, DocumentIsOpenApi31) {
  EXPECT_EQ(OpenApiDocument().at("openapi"), "3.1.0");
}

}  // namespace
}  // namespace nedlia::api
