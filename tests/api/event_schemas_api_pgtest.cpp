// GET /v1/schemas/events/{type}: the events' dataschema resolves to the JSON Schema of their
// data, served to anyone, cacheable, and the same the catalog validates with.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "events/catalog.hpp"
#include "support/api_fixture.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

constexpr const char* kType = "com.nedlia.advertiser.created.v2";
const std::string kNoKey;  // the request carries no Authorization header

/// The path of a URL ("http://host:port/path" -> "/path").
std::string PathOf(const std::string& url) {
  const auto host = url.find("://");
  return url.substr(url.find('/', host == std::string::npos ? 0 : host + 3));
}

class EventSchemasApiTest : public ::testing::Test {
 protected:
  ApiFixture api_;
};

TEST_F(EventSchemasApiTest, AnEventsDataschemaServesTheSchemaOfItsData) {
  const auto created = api_.Call("POST", "/v1/advertisers",
                                 json{{"name", "Acme"}, {"contact_email", "ads@acme.example"}});
  ASSERT_EQ(created.status, 201) << created.raw;
  json event;
  ASSERT_TRUE(WaitFor([&] {
    const auto feed = api_.Call("GET", std::string("/v1/events?type=") + kType);
    if (feed.body["data"].empty())
      return false;
    event = feed.body["data"][0];
    return true;
  }));
  const std::string dataschema = event["dataschema"];
  const auto schema = api_.Call("GET", PathOf(dataschema), std::nullopt, {}, kNoKey);
  ASSERT_EQ(schema.status, 200) << schema.raw;
  EXPECT_EQ(schema.Header("Content-Type"), "application/schema+json");
  EXPECT_EQ(schema.body["$id"], dataschema);
  EXPECT_EQ(schema.body["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema.body["title"], kType);
  // The data's fields are the schema's properties, every required one present.
  for (const auto& [field, value] : event["data"].items())
    EXPECT_TRUE(schema.body["properties"].contains(field)) << field;
  for (const json& required : schema.body["required"])
    EXPECT_TRUE(event["data"].contains(required.get<std::string>())) << required;
}

TEST_F(EventSchemasApiTest, TheIndexListsEveryCatalogTypeDeprecatedOnesIncluded) {
  const auto index = api_.Call("GET", "/v1/schemas/events", std::nullopt, {}, kNoKey);
  ASSERT_EQ(index.status, 200) << index.raw;
  std::set<std::string> listed;
  for (const json& entry : index.body["data"]) {
    listed.insert(entry["type"].get<std::string>());
    EXPECT_TRUE(entry["schema"].get<std::string>().ends_with("/v1/schemas/events/" +
                                                             entry["type"].get<std::string>()));
  }
  std::set<std::string> catalog;
  for (const events::EventSchema& entry : events::Catalog::Embedded().Entries())
    catalog.insert(entry.VersionedType());
  EXPECT_EQ(listed, catalog);
  EXPECT_TRUE(listed.contains("com.nedlia.advertiser.created.v1")) << "deprecated, still served";
}

TEST_F(EventSchemasApiTest, SchemasCarryAStrongETagAndAnswer304ToIt) {
  const std::string path = std::string("/v1/schemas/events/") + kType;
  const auto first = api_.Call("GET", path, std::nullopt, {}, kNoKey);
  ASSERT_EQ(first.status, 200);
  const auto etag = first.Header("ETag");
  ASSERT_TRUE(etag);
  EXPECT_FALSE(etag->starts_with("W/"));
  EXPECT_EQ(first.Header("Cache-Control"), "public, max-age=3600");
  const auto again = api_.Call("GET", path, std::nullopt, {"If-None-Match: " + *etag}, kNoKey);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.raw.empty());
  const auto other = api_.Call("GET", "/v1/schemas/events/com.nedlia.placement.created.v2",
                               std::nullopt, {"If-None-Match: " + *etag}, kNoKey);
  EXPECT_EQ(other.status, 200) << "another schema, another tag";
}

TEST_F(EventSchemasApiTest, AnUnknownTypeIs404ProblemJson) {
  for (const char* type : {"com.nedlia.placement.created", "com.nedlia.placement.created.v9",
                           "..%2F..%2Fetc%2Fpasswd"}) {
    const auto reply =
        api_.Call("GET", std::string("/v1/schemas/events/") + type, std::nullopt, {}, kNoKey);
    EXPECT_EQ(reply.status, 404) << type;
    EXPECT_EQ(reply.Header("Content-Type"), "application/problem+json") << type;
    EXPECT_EQ(reply.body["type"], "urn:nedlia:problem:not-found") << reply.raw;
  }
}

}  // namespace
}  // namespace nedlia::testing
