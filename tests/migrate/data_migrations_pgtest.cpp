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

}  // namespace
}  // namespace nedlia::migrate
