#include "events/catalog.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>

namespace nedlia::events {
namespace {

constexpr std::string_view kCreated = R"yaml(
# placement.created.v1
type: com.nedlia.placement.created
version: 1
description: Emitted when a new placement is created
data:
  placement_id:
    type: string
    format: uuid
    required: true
  time_range:
    type: object
    properties:
      start_time:
        type: number
        minimum: 0
        required: true
consumers:
  - file-generator
  - notifier
)yaml";

std::string ErrorOf(std::string_view name, std::string_view text) {
  try {
    Catalog::Parse({{name, text}});
  } catch (const CatalogError& error) {
    return error.what();
  }
  return "(no error)";
}

std::string Replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string result(text);
  const auto at = result.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  result.replace(at, from.size(), to);
  return result;
}

TEST(CatalogTest, ParsesTheSpecificationsFormat) {
  const Catalog catalog = Catalog::Parse({{"events/placement.created.v1.yaml", kCreated}});
  const EventSchema* entry = catalog.Find("com.nedlia.placement.created.v1");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->version, 1);
  ASSERT_EQ(entry->data.size(), 2U);
  EXPECT_EQ(entry->data[0].first, "placement_id");
  EXPECT_TRUE(entry->data[0].second.required);
  EXPECT_EQ(entry->data[0].second.format, "uuid");
  const FieldSpec& range = entry->data[1].second;
  EXPECT_EQ(range.type, FieldType::kObject);
  EXPECT_FALSE(range.required);
  ASSERT_EQ(range.properties.size(), 1U);
  EXPECT_EQ(range.properties[0].second.minimum, 0.0);
  EXPECT_EQ(catalog.TypesFor("notifier"),
            std::vector<std::string>{"com.nedlia.placement.created.v1"});
  EXPECT_TRUE(catalog.TypesFor("validator").empty());
  EXPECT_EQ(catalog.Find("com.nedlia.placement.created.v2"), nullptr);
}

TEST(CatalogTest, AnUnknownKeyIsAnErrorWithItsFileAndLine) {
  const std::string text =
      Replaced(kCreated, "    required: true\n  time_range", "    requird: true\n  time_range");
  EXPECT_EQ(ErrorOf("events/placement.created.v1.yaml", text),
            "events/placement.created.v1.yaml:10: unknown key \"requird\" in field placement_id");
}

TEST(CatalogTest, TextThatIsNotUtf8IsAnErrorAtItsLine) {
  const std::string text = Replaced(kCreated, "consumers:", "consumers: # caf\xe9");
  const auto line =
      std::count(text.begin(), text.begin() + static_cast<long>(text.find("caf")), '\n') + 1;
  EXPECT_EQ(ErrorOf("events/placement.created.v1.yaml", text),
            "events/placement.created.v1.yaml:" + std::to_string(line) + ": not UTF-8");
}

TEST(CatalogTest, AnEscapeThatDecodesToABytePastUtf8IsAnError) {
  const std::string text =
      Replaced(kCreated, "description: Emitted when a new placement is created",
               "description: \"a \\_ b\"");  // YAML's escape for U+00A0
  EXPECT_NE(ErrorOf("events/placement.created.v1.yaml", text).find("is not UTF-8"),
            std::string::npos)
      << ErrorOf("events/placement.created.v1.yaml", text);
}

TEST(CatalogTest, AFileNameWithControlCharactersIsShownWithoutThem) {
  const std::string name("events/x\0y\n.yaml", 16);
  EXPECT_EQ(ErrorOf(name, "type: [").substr(0, 19), "events/x?y?.yaml:1:");
}

TEST(CatalogTest, AKeyTwiceInOneMappingIsAnError) {
  const std::string field_twice =
      Replaced(kCreated, "consumers:", "  placement_id:\n    type: string\nconsumers:");
  EXPECT_NE(ErrorOf("events/placement.created.v1.yaml", field_twice)
                .find("key \"placement_id\" appears twice in data"),
            std::string::npos)
      << ErrorOf("events/placement.created.v1.yaml", field_twice);
  const std::string key_twice = Replaced(kCreated, "consumers:", "version: 1\nconsumers:");
  EXPECT_NE(ErrorOf("events/placement.created.v1.yaml", key_twice)
                .find("key \"version\" appears twice in the event"),
            std::string::npos)
      << ErrorOf("events/placement.created.v1.yaml", key_twice);
}

TEST(CatalogTest, BadValuesAreNamed) {
  const std::string_view file = "placement.created.v1.yaml";
  EXPECT_NE(ErrorOf(file, Replaced(kCreated, "format: uuid", "format: guid"))
                .find("unknown format \"guid\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(file, Replaced(kCreated, "type: number", "type: float"))
                .find(":15: field time_range.start_time: unknown type \"float\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(file, Replaced(kCreated, "minimum: 0", "minimum: zero"))
                .find("time_range.start_time.minimum must be a number"),
            std::string::npos);
  EXPECT_NE(ErrorOf(file, Replaced(kCreated, "version: 1", "version: 0"))
                .find("version must be a positive integer"),
            std::string::npos);
  EXPECT_NE(ErrorOf(file, Replaced(kCreated, "  time_range:\n    type: object\n    properties:",
                                   "  time_range:\n    type: object\n    items:"))
                .find("items apply to arrays only"),
            std::string::npos);
  EXPECT_NE(ErrorOf(file, "type: [unclosed").find("placement.created.v1.yaml:1: "),
            std::string::npos);
}

TEST(CatalogTest, TheFileNameMustMatchTypeAndVersion) {
  EXPECT_NE(ErrorOf("events/placement.created.v2.yaml", kCreated)
                .find("must be named placement.created.v1.yaml"),
            std::string::npos);
}

TEST(CatalogTest, ObjectsListTheirFieldsOrSayTheyAreFreeForm) {
  const std::string open = Replaced(kCreated,
                                    "    properties:\n      start_time:\n        type: number\n    "
                                    "    minimum: 0\n        required: true\n",
                                    "    additional_properties: true\n");
  EXPECT_NO_THROW(Catalog::Parse({{"placement.created.v1.yaml", open}}));
  const std::string bare = Replaced(kCreated,
                                    "    properties:\n      start_time:\n        type: number\n    "
                                    "    minimum: 0\n        required: true\n",
                                    "");
  EXPECT_NE(ErrorOf("placement.created.v1.yaml", bare).find("is an object without properties"),
            std::string::npos);
}

TEST(CatalogTest, ADeprecationNamesALaterVersionThatExists) {
  const std::string deprecated =
      std::string(kCreated) +
      "deprecation:\n  superseded_by: 2\n  since: 2026-11-01T00:00:00Z\n  sunset: "
      "2027-02-01T00:00:00Z\n";
  EXPECT_NE(ErrorOf("placement.created.v1.yaml", deprecated)
                .find("com.nedlia.placement.created.v2, which is not a later version"),
            std::string::npos);
  const std::string v2 = Replaced(kCreated, "version: 1", "version: 2");
  const Catalog catalog = Catalog::Parse(
      {{"placement.created.v1.yaml", deprecated}, {"placement.created.v2.yaml", v2}});
  const EventSchema* v1 = catalog.Find("com.nedlia.placement.created.v1");
  ASSERT_TRUE(v1->deprecation);
  EXPECT_EQ(v1->deprecation->superseded_by, 2);
  EXPECT_EQ(v1->deprecation->sunset, "2027-02-01T00:00:00Z");
  EXPECT_EQ(v1->deprecation->since_ms, 1793491200000);
  EXPECT_EQ(v1->deprecation->sunset_ms, 1801440000000);
  EXPECT_TRUE(v1->deprecation->InWindow(1793491200000));
  EXPECT_FALSE(v1->deprecation->InWindow(1793491199999));
  EXPECT_FALSE(v1->deprecation->InWindow(1801440000000));
  const Catalog fractional = Catalog::Parse(
      {{"placement.created.v1.yaml",
        Replaced(deprecated, "since: 2026-11-01T00:00:00Z", "since: 2026-11-01T00:00:00.25Z")},
       {"placement.created.v2.yaml", v2}});
  EXPECT_EQ(fractional.Find("com.nedlia.placement.created.v1")->deprecation->since_ms,
            1793491200250);
  EXPECT_NE(ErrorOf("placement.created.v1.yaml",
                    Replaced(deprecated, "sunset: 2027-02-01T00:00:00Z", "sunset: 2026-10-01"))
                .find("must be a UTC time"),
            std::string::npos);
}

TEST(CatalogTest, ASensitiveFieldIsOnlyEverItsRedactedValue) {
  const std::string_view id = "    format: uuid\n    required: true\n";
  EXPECT_NE(ErrorOf("placement.created.v1.yaml",
                    Replaced(kCreated, id, "    format: uuid\n    sensitive: true\n"))
                .find("field placement_id is sensitive: events never carry its value"),
            std::string::npos);
  EXPECT_NE(ErrorOf("placement.created.v1.yaml",
                    Replaced(kCreated, id, "    format: uuid\n    redacted: x\n"))
                .find("field placement_id: redacted applies to sensitive fields only"),
            std::string::npos);
  EXPECT_NE(
      ErrorOf("placement.created.v1.yaml", Replaced(kCreated, "        minimum: 0\n",
                                                    "        minimum: 0\n        sensitive: true\n"
                                                    "        redacted: \"0\"\n"))
          .find("redacted must be a string, or a mapping of an object field"),
      std::string::npos);
  const Catalog catalog = Catalog::Parse(
      {{"placement.created.v1.yaml",
        Replaced(kCreated, id, "    format: uuid\n    sensitive: true\n    redacted: gone\n")}});
  const FieldSpec& placement_id = catalog.Entries()[0].data[0].second;
  EXPECT_TRUE(placement_id.sensitive);
  EXPECT_EQ(placement_id.redacted, "\"gone\"");
}

TEST(CatalogTest, TheEmbeddedCatalogsPersonalDataIsRedactedInEveryVersion) {
  // The fields that hold personal data or tokens, wherever a version still lists them.
  const std::set<std::string> personal = {"contact_email", "billing_info", "url", "secret"};
  int redacted = 0;
  const std::function<void(const Fields&, const std::string&)> visit =
      [&](const Fields& fields, const std::string& where) {
        for (const auto& [name, field] : fields) {
          if (personal.contains(name)) {
            EXPECT_TRUE(field.sensitive) << where << "." << name << " is not marked sensitive";
            redacted += field.sensitive ? 1 : 0;
          }
          if (field.type == FieldType::kObject)
            visit(field.properties, where + "." + name);
        }
      };
  for (const EventSchema& entry : Catalog::Embedded().Entries())
    visit(entry.data, entry.VersionedType());
  EXPECT_EQ(redacted, 6);  // two of advertisers' v1s, three of webhooks' v1s
}

// Found by fuzz/event_catalog: a key that is a list made yaml-cpp throw its own exception.
TEST(CatalogTest, AKeyThatIsNotANameIsAnError) {
  const std::string text = Replaced(kCreated, "  placement_id:", "  ? [a, b]\n  :");
  EXPECT_NE(ErrorOf("placement.created.v1.yaml", text).find("a key must be a name"),
            std::string::npos);
}

// Found by fuzz/event_catalog: an alias made a field contain itself, and reading it recursed
// until the stack overflowed.
TEST(CatalogTest, AFieldThatContainsItselfIsRefused) {
  const std::string text = Replaced(kCreated, "  time_range:\n    type: object",
                                    "  time_range: &range\n    type: object");
  const std::string looped = Replaced(text, "        required: true\nconsumers:",
                                      "        required: true\n      again: *range\nconsumers:");
  EXPECT_NE(ErrorOf("placement.created.v1.yaml", looped).find("nests more than 16 levels deep"),
            std::string::npos);
}

// A few lines of aliases can stand for millions of fields (here 3^15).
TEST(CatalogTest, AFileOfTooManyFieldsIsRefused) {
  std::string text =
      "type: com.nedlia.x.created\nversion: 1\ndescription: d\nconsumers: []\ndata:\n"
      "  a0: &a0 {type: string}\n";
  for (int level = 1; level <= 15; ++level) {
    const std::string below = "*a" + std::to_string(level - 1);
    text += "  a" + std::to_string(level) + ": &a" + std::to_string(level) +
            " {type: object, properties: {p: " + below + ", q: " + below + ", r: " + below + "}}\n";
  }
  EXPECT_NE(ErrorOf("x.created.v1.yaml", text).find("more than 10000 fields"), std::string::npos);
}

// Found by fuzzing with long inputs: std::regex matched a long type recursively, once per
// character, and overflowed the stack.
TEST(CatalogTest, AVeryLongTypeIsRefusedWithoutRecursion) {
  const std::string text = Replaced(kCreated, "com.nedlia.placement.created",
                                    "com.nedlia." + std::string(200'000, 'x') + ".created");
  EXPECT_NE(ErrorOf("placement.created.v1.yaml", text).find("must be named"), std::string::npos);
}

TEST(CatalogTest, ATypeDefinedTwiceIsRefused) {
  try {
    Catalog::Parse(
        {{"a/placement.created.v1.yaml", kCreated}, {"b/placement.created.v1.yaml", kCreated}});
    FAIL() << "expected an error";
  } catch (const CatalogError& error) {
    EXPECT_NE(std::string(error.what()).find("defined twice"), std::string::npos);
  }
}

// Which consumers it routes to is checked against the workers in worker_routing_test.cpp.
TEST(CatalogTest, TheEmbeddedCatalogLoads) {
  const Catalog& catalog = Catalog::Embedded();
  ASSERT_FALSE(catalog.Entries().empty());
  EXPECT_NE(catalog.Find("com.nedlia.placement.created.v1"), nullptr);
  EXPECT_EQ(catalog.TypesFor("validator"),
            std::vector<std::string>{"com.nedlia.video.validation_requested.v1"});
}

}  // namespace
}  // namespace nedlia::events
