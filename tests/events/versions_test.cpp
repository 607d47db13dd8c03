// Version migration without a database: converting data between versions, the copies published
// for older readers during a migration window, and upcasting for consumers of the newer version.
#include "events/versions.hpp"

#include <gtest/gtest.h>

#include "events/catalog_files.hpp"
#include "events/envelope.hpp"
#include "events/upcaster.hpp"
#include "events/version_copies.hpp"

namespace nedlia::events {
namespace {

using nlohmann::json;

constexpr const char* kV1 = "com.nedlia.placement.created.v1";
constexpr const char* kV2 = "com.nedlia.placement.created.v2";
constexpr std::int64_t kDuringWindow = 1800000000000;  // 2027-01-15, v1's window: Dec to Jun

json V2Data() {
  return {{"placement_id", "0190a6f2-0000-7000-8000-000000000001"},
          {"video_id", "0190a6f2-0000-7000-8000-000000000002"},
          {"product_id", "0190a6f2-0000-7000-8000-000000000003"},
          {"time_range", {{"start_ms", 12'345}, {"end_ms", 9'999'999'999}}},
          {"status", "active"},
          {"position", {{"x", 0.1}, {"y", 0.2}, {"width", 0.3}, {"height", 0.4}}},
          {"created_by", "0190a6f2-0000-7000-8000-000000000004"}};
}

json V1Data() {
  return {{"placement_id", "0190a6f2-0000-7000-8000-000000000001"},
          {"video_id", "0190a6f2-0000-7000-8000-000000000002"},
          {"product_id", "0190a6f2-0000-7000-8000-000000000003"},
          {"time_range", {{"start_time", 12.345}, {"end_time", 9999999.999}}},
          {"created_by", "0190a6f2-0000-7000-8000-000000000004"}};
}

StoredEvent Stored(const std::string& type, json data, json metadata = json::object()) {
  metadata["dataschema"] = "http://127.0.0.1:8080/v1/schemas/events/" + type;
  return {.id = domain::Uuid::NewV7(),
          .type = type,
          .aggregate_type = "placement",
          .aggregate_id = domain::Uuid::NewV7(),
          .data = std::move(data),
          .metadata = std::move(metadata)};
}

/// The embedded catalog with v1's migration window moved.
Catalog WithWindow(const std::string& since, const std::string& sunset) {
  std::vector<std::string> texts;
  std::vector<CatalogFile> files;
  for (const CatalogFile& file : EmbeddedCatalogFiles()) {
    std::string text(file.text);
    if (file.name.ends_with("placement.created.v1.yaml")) {
      text.replace(text.find("2026-12-01T00:00:00Z"), 20, since);
      text.replace(text.find("2027-06-01T00:00:00Z"), 20, sunset);
    }
    texts.push_back(std::move(text));
  }
  for (std::size_t i = 0; i < texts.size(); ++i)
    files.push_back({EmbeddedCatalogFiles()[i].name, texts[i]});
  return Catalog::Parse(files);
}

TEST(VersionsTest, PlacementCreatedConvertsBothWaysAndEachResultMatchesItsSchema) {
  const std::optional<json> v1 = ConvertData("com.nedlia.placement.created", 2, 1, V2Data());
  ASSERT_TRUE(v1);
  EXPECT_EQ(*v1, V1Data());  // status and position have no place in v1
  EXPECT_NO_THROW(CheckAgainstCatalog(Catalog::Embedded(), kV1, *v1));

  const std::optional<json> v2 = ConvertData("com.nedlia.placement.created", 1, 2, V1Data());
  ASSERT_TRUE(v2);
  json expected = V2Data();
  expected.erase("status");
  expected.erase("position");
  EXPECT_EQ(*v2, expected);
  EXPECT_NO_THROW(CheckAgainstCatalog(Catalog::Embedded(), kV2, *v2));
  // Seconds that binary floating point cannot hold exactly still land on their millisecond.
  json inexact = V1Data();
  inexact["time_range"] = {{"start_time", 0.1}, {"end_time", 4.035}};
  EXPECT_EQ(ConvertData("com.nedlia.placement.created", 1, 2, inexact)->at("time_range"),
            json({{"start_ms", 100}, {"end_ms", 4035}}));
}

TEST(VersionsTest, AMissingConversionIsReportedNotGuessed) {
  EXPECT_FALSE(CanConvert("com.nedlia.video.ready", 1, 2));
  EXPECT_FALSE(ConvertData("com.nedlia.video.ready", 1, 2, json::object()));
  EXPECT_TRUE(CanConvert("com.nedlia.video.ready", 1, 1));
}

TEST(VersionsTest, EveryDeprecatedVersionInTheCatalogConvertsToAndFromItsSuccessor) {
  for (const EventSchema& entry : Catalog::Embedded().Entries()) {
    if (!entry.deprecation)
      continue;
    SCOPED_TRACE(entry.file);
    EXPECT_TRUE(CanConvert(entry.type, entry.version, entry.deprecation->superseded_by));
    EXPECT_TRUE(CanConvert(entry.type, entry.deprecation->superseded_by, entry.version));
  }
}

TEST(VersionCopiesTest, DuringTheWindowAV2EventHasItsV1Copy) {
  const Catalog& catalog = Catalog::Embedded();
  const std::vector<OlderVersionCopy> copies =
      OlderVersionCopies(catalog, *catalog.Find(kV2), V2Data(), kDuringWindow);
  ASSERT_EQ(copies.size(), 1U);
  EXPECT_EQ(copies[0].schema->VersionedType(), kV1);
  EXPECT_EQ(copies[0].data, V1Data());
  // Nothing to copy for types without an older version, nor for v1 itself.
  EXPECT_TRUE(OlderVersionCopies(catalog, *catalog.Find(kV1), V1Data(), kDuringWindow).empty());
}

TEST(VersionCopiesTest, CopiesForReadersOfVersionsThatHadPersonalDataCarryItRedacted) {
  const Catalog& catalog = Catalog::Embedded();
  const auto copy_of = [&](const char* type, const json& data) {
    const std::vector<OlderVersionCopy> copies =
        OlderVersionCopies(catalog, *catalog.Find(type), data, kDuringWindow);
    EXPECT_EQ(copies.size(), 1U) << type;
    return copies.empty() ? json() : copies[0].data;
  };
  const std::string id = "0190a6f2-0000-7000-8000-000000000001";
  EXPECT_EQ(
      copy_of("com.nedlia.advertiser.created.v2",
              {{"advertiser_id", id}, {"name", "Acme"}, {"status", "active"}, {"created_by", id}}),
      json({{"advertiser_id", id},
            {"name", "Acme"},
            {"status", "active"},
            {"created_by", id},
            {"contact_email", "redacted@redacted.invalid"}}));
  EXPECT_EQ(copy_of("com.nedlia.advertiser.updated.v2",
                    {{"advertiser_id", id},
                     {"changed_fields", {"name", "contact_email", "billing_info"}},
                     {"changes", {{"name", "Acme"}}},
                     {"previous_version", 1},
                     {"new_version", 2}}),
            json({{"advertiser_id", id},
                  {"changes",
                   {{"name", "Acme"},
                    {"contact_email", "redacted@redacted.invalid"},
                    {"billing_info", {{"redacted", true}}}}},
                  {"previous_version", 1},
                  {"new_version", 2}}));
  EXPECT_EQ(
      copy_of("com.nedlia.webhook.updated.v2", {{"webhook_id", id},
                                                {"changes", {{"url_origin", "https://h.example"}}},
                                                {"previous_version", 1},
                                                {"new_version", 2}})["changes"],
      json({{"url", "https://redacted.invalid/"}}));
}

TEST(VersionsTest, OlderEventsWithPersonalDataUpcastWithoutIt) {
  EXPECT_EQ(
      *ConvertData(
          "com.nedlia.advertiser.updated", 1, 2,
          {{"changes", {{"billing_info", {{"iban", "DE89"}}}, {"contact_email", "a@b.example"}}}}),
      json({{"changed_fields", {"contact_email", "billing_info"}}, {"changes", json::object()}}));
  EXPECT_EQ(*ConvertData("com.nedlia.webhook.created", 1, 2,
                         {{"url", "https://u:p@Hooks.Example:8443/t/SECRET?k=1"}}),
            json({{"url_origin", "https://hooks.example"}}));
  EXPECT_EQ(*ConvertData("com.nedlia.advertiser.created", 1, 2, {{"contact_email", "a@b.example"}}),
            json::object());
}

TEST(VersionCopiesTest, BeforeAndAfterTheWindowOnlyTheNewVersionIsPublished) {
  const Catalog catalog = WithWindow("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z");
  const EventSchema& v2 = *catalog.Find(kV2);
  const std::int64_t since = catalog.Find(kV1)->deprecation->since_ms;
  const std::int64_t sunset = catalog.Find(kV1)->deprecation->sunset_ms;
  EXPECT_TRUE(OlderVersionCopies(catalog, v2, V2Data(), since - 1).empty());
  EXPECT_EQ(OlderVersionCopies(catalog, v2, V2Data(), since).size(), 1U);
  EXPECT_EQ(OlderVersionCopies(catalog, v2, V2Data(), sunset - 1).size(), 1U);
  EXPECT_TRUE(OlderVersionCopies(catalog, v2, V2Data(), sunset).empty());
}

TEST(VersionCopiesTest, ACopyCarriesTheDeprecationAttributesAndItsOriginal) {
  const Deprecation& deprecation = *Catalog::Embedded().Find(kV1)->deprecation;
  const domain::Uuid original = domain::Uuid::NewV7();
  json metadata = {{"source", "/placements"}};
  MarkAsOlderVersionCopy(metadata, deprecation,
                         "http://127.0.0.1:8080/v1/schemas/events/" + std::string(kV2), original);
  EXPECT_EQ(metadata,
            json({{"source", "/placements"},
                  {"deprecated", true},
                  {"deprecationfrom", "2026-12-01T00:00:00Z"},
                  {"deprecationsunset", "2027-06-01T00:00:00Z"},
                  {"deprecationmigration",
                   "http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v2"},
                  {"nedliacopyof", original.ToString()}}));
}

TEST(UpcasterTest, AConsumerOfV2ReadsV1TooAndGetsEveryEventAsV2) {
  const Upcaster upcaster(Catalog::Embedded(), {kV2, "com.nedlia.video.ready.v1"});
  EXPECT_EQ(upcaster.TypesToRead(),
            (std::vector<std::string>{kV1, kV2, "com.nedlia.video.ready.v1"}));

  const StoredEvent legacy = Stored(kV1, V1Data());
  const std::optional<StoredEvent> upcast = upcaster.ToCurrent(legacy);
  ASSERT_TRUE(upcast);
  EXPECT_EQ(upcast->id, legacy.id);
  EXPECT_EQ(upcast->type, kV2);
  EXPECT_EQ(upcast->data["time_range"], json({{"start_ms", 12345}, {"end_ms", 9999999999}}));
  EXPECT_EQ(upcast->metadata["dataschema"],
            "http://127.0.0.1:8080/v1/schemas/events/" + std::string(kV2));

  const StoredEvent current = Stored(kV2, V2Data());
  EXPECT_EQ(upcaster.ToCurrent(current)->data, current.data);
}

TEST(UpcasterTest, TheV1CopyOfAV2EventIsSkippedByV2ReadersAndKeptForV1Readers) {
  const StoredEvent copy =
      Stored(kV1, V1Data(), {{"nedliacopyof", domain::Uuid::NewV7().ToString()}});
  EXPECT_FALSE(Upcaster(Catalog::Embedded(), {kV2}).ToCurrent(copy));
  const std::optional<StoredEvent> for_v1 = Upcaster(Catalog::Embedded(), {kV1}).ToCurrent(copy);
  ASSERT_TRUE(for_v1);
  EXPECT_EQ(for_v1->data, V1Data());
}

TEST(UpcasterTest, AnOlderVersionWithoutAConversionIsRefusedUpFront) {
  std::vector<CatalogFile> files = EmbeddedCatalogFiles();
  std::string ready_v2;
  for (const CatalogFile& file : files) {
    if (file.name.ends_with("video.ready.v1.yaml")) {
      ready_v2 = std::string(file.text);
      ready_v2.replace(ready_v2.find("version: 1"), 10, "version: 2");
    }
  }
  files.push_back({"events/video.ready.v2.yaml", ready_v2});
  const Catalog with_ready_v2 = Catalog::Parse(files);
  try {
    Upcaster(with_ready_v2, {"com.nedlia.video.ready.v2"});
    FAIL() << "no error";
  } catch (const std::logic_error& error) {
    EXPECT_STREQ(error.what(),
                 "cannot upcast com.nedlia.video.ready.v1 to com.nedlia.video.ready.v2: add the "
                 "conversion to src/events/versions.cpp");
  }
}

TEST(UpcasterTest, AnUpcastThatBreaksTheCurrentSchemaIsABug) {
  json broken = V1Data();
  broken["time_range"]["start_time"] = -1;  // v1 would refuse it too, but it got into the log
  EXPECT_THROW(Upcaster(Catalog::Embedded(), {kV2}).ToCurrent(Stored(kV1, broken)), InvalidEvent);
}

}  // namespace
}  // namespace nedlia::events
