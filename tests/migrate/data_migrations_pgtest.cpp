// Migrations that change data rather than shape, run on the real chain over rows written the
// way the code before them wrote them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "migrate/migrator.hpp"
#include "migrate/script_directory.hpp"
#include "support/test_database.hpp"

namespace nedlia::migrate {
namespace {

using nlohmann::json;
using testing::Template;
using testing::TestDatabase;

constexpr const char* kBeforeRunsNarrowed = "6188cbd2c69d";
constexpr const char* kRunsNarrowed = "a41c7e93d2b6";
constexpr const char* kPersonalDataOut = "c93e5a17b2f4";

class DataMigrationsTest : public ::testing::Test {
 protected:
  std::string Text(const std::string& sql, const pg::Params& params = pg::Params()) {
    return connection_.Execute(sql, params).Single()[0].As<std::string>();
  }

  TestDatabase database_{Template::kEmpty};
  pg::Connection connection_ = database_.Connect();
  // The migrator keeps a reference to the scripts.
  ScriptDirectory scripts_ = ScriptDirectory::Load(nedlia::testing::SourceDir() + "/migrations");
  Migrator migrator_{connection_, scripts_};
};

json Issue(const std::string& placement, const char* type, const char* severity) {
  return {{"placement_id", placement},
          {"issue_type", type},
          {"severity", severity},
          {"message", "m"},
          {"time_range", {{"start_time", 0}, {"end_time", 1}}}};
}

TEST_F(DataMigrationsTest, AnAdvertisersOlderRunsKeepOnlyItsOwnIssues) {
  migrator_.Upgrade(kBeforeRunsNarrowed);
  const std::string video =
      Text("INSERT INTO videos (title, duration, status) VALUES ('V', 60, 'ready') RETURNING id");
  auto advertiser = [&](const char* name) {
    return Text(
        "INSERT INTO advertisers (name, contact_email) VALUES ($1, 'a@b.example') "
        "RETURNING id",
        pg::Params(name));
  };
  auto placement = [&](const std::string& owner, int start) {
    const std::string product =
        Text("INSERT INTO products (advertiser_id, name) VALUES ($1, 'P') RETURNING id",
             pg::Params(owner));
    return Text(
        "INSERT INTO placements (video_id, product_id, start_time, end_time) "
        "VALUES ($1, $2, $3::int, $3::int + 1) RETURNING id",
        pg::Params(video, product, start));
  };
  const std::string acme = advertiser("acme");
  const std::string rival = advertiser("rival");
  const std::string mine = placement(acme, 0);
  const std::string also_mine = placement(acme, 10);
  const std::string theirs = placement(rival, 20);
  const std::string acme_key = Text(
      "INSERT INTO api_keys (id, name, role, advertiser_id, secret_hash) VALUES "
      "(gen_random_uuid(), 'k', 'advertiser', $1, repeat('a', 64)) RETURNING id",
      pg::Params(acme));
  const json issues = {Issue(mine, "too_many_simultaneous", "error"),
                       Issue(theirs, "draft_placement", "warning"),
                       Issue(theirs, "advertiser_suspended", "error")};
  auto run = [&](const std::optional<std::string>& requested_by) {
    return Text(
        "INSERT INTO validation_runs (video_id, status, started_at, completed_at, "
        "issues, summary, requested_by) VALUES ($1, 'completed', now(), now(), $2::json, "
        "'{\"total_placements\": 3, \"valid_placements\": 1, \"issues_count\": 3, "
        "\"is_valid\": false}', $3) RETURNING id",
        pg::Params(video, issues.dump(), requested_by));
  };
  const std::string by_acme = run(acme_key);
  const std::string by_admin = run(std::nullopt);

  migrator_.Upgrade(kRunsNarrowed);

  const auto row = connection_
                       .Execute(
                           "SELECT issues::text, summary::text FROM validation_runs "
                           "WHERE id = $1",
                           pg::Params(by_acme))
                       .Single();
  EXPECT_EQ(json::parse(row[0].As<std::string>()), json::array({issues[0]}));
  EXPECT_EQ(json::parse(row[1].As<std::string>()), json({{"total_placements", 2},
                                                         {"valid_placements", 1},
                                                         {"issues_count", 1},
                                                         {"is_valid", false}}));
  (void)also_mine;
  // An admin's run is an admin's to see whole: untouched.
  EXPECT_EQ(json::parse(Text("SELECT issues::text FROM validation_runs WHERE id = $1",
                             pg::Params(by_admin))),
            issues);
}

TEST_F(DataMigrationsTest, EventsWrittenBeforeKeepTheirPlaceButLoseTheirPersonalData) {
  migrator_.Upgrade(kRunsNarrowed);
  const std::string advertiser = Text(
      "INSERT INTO advertisers (name, contact_email) VALUES ('Acme', 'ads@acme.example') "
      "RETURNING id");
  const std::string webhook = Text(
      "INSERT INTO webhooks (id, advertiser_id, url, event_types, secret) VALUES "
      "(gen_random_uuid(), $1, 'https://hooks.acme.example/t/SECRET', "
      "'{com.nedlia.advertiser.created.v1}', 'whsec_x') "
      "RETURNING id",
      pg::Params(advertiser));
  auto event = [&](const char* type, const json& data) {
    return Text(
        "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) "
        "VALUES ($1, 'advertiser', $2, $3::jsonb) RETURNING id || ' ' || position",
        pg::Params(type, advertiser, data.dump()));
  };
  const std::vector<std::string> events = {
      event("com.nedlia.advertiser.created.v1",
            {{"name", "Acme"}, {"contact_email", "ads@acme.example"}}),
      event("com.nedlia.advertiser.updated.v1",
            {{"changes", {{"name", "Acme 2"}, {"billing_info", {{"iban", "DE89"}}}}}}),
      event("com.nedlia.advertiser.updated.v1", {{"changes", {{"name", "Acme 3"}}}}),
      event("com.nedlia.webhook.created.v1", {{"url", "https://hooks.acme.example/t/SECRET"}}),
      event("com.nedlia.webhook.updated.v1",
            {{"changes", {{"url", "https://hooks.acme.example/t/SECRET2"}}}}),
      event("com.nedlia.webhook.disabled.v1", {{"url", "https://hooks.acme.example/t/SECRET"}})};
  const std::string first_event = events[0].substr(0, events[0].find(' '));
  connection_.Execute(
      "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload) VALUES "
      "(gen_random_uuid(), $1, $2, 'com.nedlia.advertiser.created.v1', $3)",
      pg::Params(webhook, first_event,
                 json({{"specversion", "1.0"},
                       {"data", {{"name", "Acme"}, {"contact_email", "ads@acme.example"}}}})
                     .dump()));

  migrator_.Upgrade(kPersonalDataOut);

  // Every event keeps its id and position; no value of the personal data is left.
  EXPECT_EQ(Text("SELECT string_agg(id || ' ' || position, ',' ORDER BY position) "
                 "FROM event_log"),
            events[0] + "," + events[1] + "," + events[2] + "," + events[3] + "," + events[4] +
                "," + events[5]);
  EXPECT_EQ(Text("SELECT count(*)::text FROM event_log WHERE data::text ~ 'acme\\.example|DE89'"),
            "0");
  const auto data = [&](int n) {
    return json::parse(Text("SELECT data::text FROM event_log WHERE id = $1",
                            pg::Params(events[n].substr(0, events[n].find(' ')))));
  };
  EXPECT_EQ(data(0), json({{"name", "Acme"}, {"contact_email", "redacted@redacted.invalid"}}));
  EXPECT_EQ(data(1),
            json({{"changes", {{"name", "Acme 2"}, {"billing_info", {{"redacted", true}}}}}}));
  EXPECT_EQ(data(2), json({{"changes", {{"name", "Acme 3"}}}}));  // nothing personal: as it was
  EXPECT_EQ(data(3), json({{"url", "https://redacted.invalid/"}}));
  EXPECT_EQ(data(4), json({{"changes", {{"url", "https://redacted.invalid/"}}}}));
  EXPECT_EQ(data(5), json({{"url", "https://redacted.invalid/"}}));
  const json payload = json::parse(Text("SELECT payload FROM webhook_deliveries"));
  EXPECT_EQ(payload["data"], data(0));
  EXPECT_EQ(payload["specversion"], "1.0");
}

}  // namespace
}  // namespace nedlia::migrate
