// Every event is checked against the catalog before it is written: one that does not match is
// a bug, and the command that made it fails whole.
#include <gtest/gtest.h>

#include "app/errors.hpp"
#include "app/ports/database.hpp"
#include "events/envelope.hpp"
#include "pg/pool.hpp"
#include "repositories/pg_database.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class OutboxValidationTest : public ::testing::Test {
 protected:
  std::int64_t Count(const std::string& table) {
    return database_.Connect()
        .Execute("SELECT count(*) FROM " + table)
        .Single()[0]
        .As<std::int64_t>();
  }

  /// Creates an advertiser with its (valid) event, then appends `event` in the same command.
  void CreateAdvertiserAnd(const app::NewEvent& event) {
    store_.Write(app::CallContext{}, [&](app::Transaction& tx) {
      const domain::Advertiser advertiser = tx.Advertisers().Insert(
          {.id = domain::Uuid::NewV7(), .name = "Acme", .contact_email = "ads@acme.example"});
      tx.Outbox().Append({.type = "com.nedlia.advertiser.created.v2",
                          .aggregate_type = "advertiser",
                          .aggregate_id = advertiser.id,
                          .data = {{"advertiser_id", advertiser.id.ToString()},
                                   {"name", advertiser.name},
                                   {"status", "active"},
                                   {"created_by", domain::Uuid::NewV7().ToString()}}});
      tx.Outbox().Append(event);
    });
  }

  TestDatabase database_;
  pg::Pool pool_{{.url = database_.Url(), .max_size = 2}};
  repositories::PgDatabase store_{pool_, {}};
};

TEST_F(OutboxValidationTest, AnEventThatBreaksItsSchemaFailsTheCommandAndNamesTheField) {
  const domain::Uuid id = domain::Uuid::NewV7();
  try {
    CreateAdvertiserAnd({.type = "com.nedlia.advertiser.deleted.v1",
                         .aggregate_type = "advertiser",
                         .aggregate_id = id,
                         .data = {{"advertiser_id", "not-a-uuid"}, {"deleted_by", 42}}});
    FAIL() << "the command succeeded";
  } catch (const events::InvalidEvent& error) {
    EXPECT_STREQ(error.what(),
                 "event com.nedlia.advertiser.deleted.v1 does not match "
                 "events/advertiser.deleted.v1.yaml: /data/advertiser_id must be a valid uuid; "
                 "/data/deleted_by must be a string");
  }
  EXPECT_EQ(Count("advertisers"), 0);
  EXPECT_EQ(Count("event_log"), 0);
}

TEST_F(OutboxValidationTest, PersonalDataInAnEventFailsTheCommand) {
  // v1 of advertiser.created had the contact email; the catalog now marks it sensitive, and
  // only its redacted placeholder may be written there.
  const domain::Uuid id = domain::Uuid::NewV7();
  try {
    CreateAdvertiserAnd({.type = "com.nedlia.advertiser.created.v1",
                         .aggregate_type = "advertiser",
                         .aggregate_id = id,
                         .data = {{"advertiser_id", id.ToString()},
                                  {"name", "Bolt"},
                                  {"contact_email", "ads@bolt.example"},
                                  {"status", "active"},
                                  {"created_by", id.ToString()}}});
    FAIL() << "the command succeeded";
  } catch (const events::InvalidEvent& error) {
    EXPECT_NE(std::string(error.what())
                  .find("/data/contact_email is sensitive: events carry only its redacted value"),
              std::string::npos)
        << error.what();
  }
  EXPECT_EQ(Count("event_log"), 0);
}

TEST_F(OutboxValidationTest, AnEventPastTheSizeCapFailsTheCommandAsTooLarge) {
  repositories::PgDatabase small_events(pool_, {.max_data_bytes = 1024});
  const domain::Uuid id = domain::Uuid::NewV7();
  try {
    small_events.Write(app::CallContext{}, [&](app::Transaction& tx) {
      tx.Advertisers().Insert({.id = id, .name = "Acme", .contact_email = "ads@acme.example"});
      tx.Outbox().Append({.type = "com.nedlia.advertiser.created.v2",
                          .aggregate_type = "advertiser",
                          .aggregate_id = id,
                          .data = {{"advertiser_id", id.ToString()},
                                   {"name", std::string(255, 'n')},
                                   {"status", "active"},
                                   {"created_by", id.ToString()}}});
      tx.Outbox().Append({.type = "com.nedlia.product.updated.v1",
                          .aggregate_type = "product",
                          .aggregate_id = id,
                          .data = {{"product_id", id.ToString()},
                                   {"changes", {{"description", std::string(2000, 'd')}}},
                                   {"previous_version", 1},
                                   {"new_version", 2}}});
    });
    FAIL() << "the command succeeded";
  } catch (const app::Error& error) {
    EXPECT_EQ(error.Kind(), app::ErrorKind::kTooLarge);
    EXPECT_NE(std::string(error.what()).find("NEDLIA_MAX_EVENT_BYTES"), std::string::npos);
  }
  EXPECT_EQ(Count("advertisers"), 0);
  EXPECT_EQ(Count("event_log"), 0);
}

TEST_F(OutboxValidationTest, AnEventTypeOutsideTheCatalogFailsTheCommand) {
  EXPECT_THROW(CreateAdvertiserAnd({.type = "com.nedlia.advertiser.renamed.v1",
                                    .aggregate_type = "advertiser",
                                    .aggregate_id = domain::Uuid::NewV7(),
                                    .data = nlohmann::json::object()}),
               events::InvalidEvent);
  EXPECT_EQ(Count("advertisers"), 0);
  EXPECT_EQ(Count("event_log"), 0);
}

TEST_F(OutboxValidationTest, ConformingEventsAreWrittenWithTheirDataSchema) {
  CreateAdvertiserAnd({.type = "com.nedlia.advertiser.deleted.v1",
                       .aggregate_type = "advertiser",
                       .aggregate_id = domain::Uuid::NewV7(),
                       .data = {{"advertiser_id", domain::Uuid::NewV7().ToString()},
                                {"deleted_by", domain::Uuid::NewV7().ToString()}}});
  EXPECT_EQ(Count("event_log"), 3);  // the creation, its v1 copy, the deletion
  EXPECT_EQ(database_.Connect()
                .Execute("SELECT metadata->>'dataschema' FROM event_log WHERE event_type = "
                         "'com.nedlia.advertiser.deleted.v1'")
                .Single()[0]
                .As<std::string>(),
            "http://127.0.0.1:8080/v1/schemas/events/com.nedlia.advertiser.deleted.v1");
}

}  // namespace
}  // namespace nedlia::testing
