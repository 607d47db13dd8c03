// Rolling deploys and rollbacks: a release runs on a schema ahead of its own head until a
// migration that declares `-- breaks: releases before this one` is applied, and then refuses
// to start, naming it. The next release is the expand-contract example on top of the real
// chain; the release before it is this build with the real migrations/ (its placement queries
// name start_time, the column the example renames).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "http/curl_client.hpp"
#include "migrate/expand_contract_release.hpp"
#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "migrate/offline_script.hpp"
#include "migrate/release_fit.hpp"
#include "support/background_process.hpp"
#include "support/test_database.hpp"

namespace nedlia::migrate {
namespace {

using nlohmann::json;
using testing::BackgroundProcess;
using testing::CommandResult;
using testing::MigrationFiles;
using testing::RunCommand;
using testing::ShellQuote;
using testing::Template;
using testing::TestDatabase;

/// The message of the MigrationError `check` throws; empty when it throws none.
template <class Check>
std::string RefusalOf(Check check) {
  try {
    check();
  } catch (const MigrationError& error) {
    return error.what();
  }
  return "";
}

class RollingDeployTest : public ::testing::Test {
 protected:
  void UpgradeTo(const std::string& target) { Migrator(connection_, next_).Upgrade(target); }
  void DowngradeTo(const std::string& target) { Migrator(connection_, next_).Downgrade(target); }

  ReleaseFit PreviousFits() { return CheckReleaseFits(connection_, previous_); }
  ReleaseFit NextFits() { return CheckReleaseFits(connection_, next_); }

  std::string Nedlia(const std::string& command, const std::filesystem::path& migrations) {
    const CommandResult result =
        RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                   " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(migrations.string()) + " " +
                   ShellQuote(testing::NedliaBinary()) + " " + command);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    return result.output;
  }

  MigrationFiles files_;
  std::string real_head_ = RealHead();
  std::filesystem::path previous_dir_ = testing::SourceDir() + "/migrations";
  ScriptDirectory previous_ = ScriptDirectory::Load(previous_dir_);
  ScriptDirectory next_ = CopyAndLoad(files_.Dir(), real_head_);
  TestDatabase database_{Template::kEmpty};
  pg::Connection connection_ = database_.Connect();
};

TEST_F(RollingDeployTest, OnlyTheContractDeclaresThatItBreaksEarlierReleases) {
  EXPECT_FALSE(next_.Resolve(kExpand).breaks_earlier_releases);
  EXPECT_FALSE(next_.Resolve(kBackfill).breaks_earlier_releases);
  EXPECT_TRUE(next_.Resolve(kContract).breaks_earlier_releases);
  files_.Add("aaaaaaaaaaaa", "none", "SELECT 1;", "SELECT 1;", "bad", "-- breaks: everything\n");
  EXPECT_THROW(ScriptDirectory::Load(files_.Dir()), ScriptError);
}

TEST_F(RollingDeployTest, AReleaseRunsOnTheNextReleasesExpandedSchemaAndRollsBackToIt) {
  UpgradeTo(real_head_);
  EXPECT_TRUE(PreviousFits().newer.empty());
  EXPECT_NE(RefusalOf([&] { NextFits(); }).find("run `nedlia migrate upgrade head` first"),
            std::string::npos)
      << "the next release needs its migrations";

  UpgradeTo(kBackfill);
  EXPECT_EQ(PreviousFits().newer, (RevisionSet{kExpand, kBackfill}));
  UpgradeTo(kContract);
  EXPECT_TRUE(NextFits().newer.empty());
  const std::string refusal = RefusalOf([&] { PreviousFits(); });
  EXPECT_NE(refusal.find(std::string("migration ") + kContract +
                         " (contract: placements.start_time dropped"),
            std::string::npos)
      << refusal;
  EXPECT_NE(refusal.find("breaks releases before it"), std::string::npos) << refusal;

  DowngradeTo(kBackfill);  // the rollback: the previous release runs again
  EXPECT_EQ(PreviousFits().newer, (RevisionSet{kExpand, kBackfill}));
}

TEST_F(RollingDeployTest, AVersionTableWithoutTheAppliedListIsRefusedUntilAMigratorFillsIt) {
  UpgradeTo(kBackfill);
  // As a migrator from before the applied list left it.
  connection_.Execute(
      "ALTER TABLE nedlia_schema_version DROP COLUMN applied, DROP COLUMN breaking");
  EXPECT_NE(RefusalOf([&] { PreviousFits(); }).find("does not list what is applied"),
            std::string::npos);
  UpgradeTo(kBackfill);  // nothing to run, but the table is completed
  EXPECT_EQ(PreviousFits().newer, (RevisionSet{kExpand, kBackfill}));
}

TEST_F(RollingDeployTest, AStampWrittenAsSqlRecordsTheBreakingMigrationToo) {
  connection_.ExecuteScript(RenderOfflineStamp(next_, {kContract}));
  EXPECT_NE(RefusalOf([&] { PreviousFits(); }).find(kContract), std::string::npos);
  connection_.ExecuteScript(RenderOfflineStamp(next_, {kBackfill}));
  EXPECT_EQ(PreviousFits().newer, (RevisionSet{kExpand, kBackfill}));
}

// The whole binary: the previous release's `serve` on the expanded schema creates and reads a
// placement (the expand's trigger fills the next release's column), its `serve` and `worker`
// refuse the contracted schema in one line, and start again after the rollback.
TEST_F(RollingDeployTest, ThePreviousReleaseServesUntilTheContractAndAgainAfterTheRollback) {
  UpgradeTo(kBackfill);
  const std::string advertiser =
      connection_
          .Execute(
              "INSERT INTO advertisers (name, contact_email) VALUES ('Acme', "
              "'ads@acme.example') RETURNING id::text")
          .Single()[0]
          .As<std::string>();
  const std::string product = connection_
                                  .Execute(
                                      "INSERT INTO products (advertiser_id, name) VALUES "
                                      "($1, 'Cola') RETURNING id::text",
                                      pg::Params(advertiser))
                                  .Single()[0]
                                  .As<std::string>();
  const std::string video = connection_
                                .Execute(
                                    "INSERT INTO videos (title, duration, status) VALUES "
                                    "('Trailer', 60, 'ready') RETURNING id::text")
                                .Single()[0]
                                .As<std::string>();
  const std::filesystem::path objects =
      std::filesystem::temp_directory_path() / ("nedlia-rolling-" + database_.Name());
  const process::Environment environment{{"NEDLIA_DATABASE_URL", database_.Url()},
                                         {"NEDLIA_MIGRATIONS_DIR", previous_dir_.string()},
                                         {"NEDLIA_OBJECTS_DIR", objects.string()},
                                         {"NEDLIA_HTTP_PORT", "0"},
                                         {"NEDLIA_LOG_LEVEL", "info"}};
  {
    BackgroundProcess serve("nedlia-rolling-serve",
                            {testing::NedliaBinary(), "serve", "--no-workers"}, environment);
    const std::string url = serve.Await("listening on ");
    ASSERT_FALSE(url.empty()) << serve.Log();
    EXPECT_NE(serve.Log().find("2 migration(s) ahead of this release"), std::string::npos)
        << serve.Log();
    const std::string key = serve.Await("first admin API key (shown only this once; keep it): ");
    http::testing::CurlClient client;
    const std::vector<std::string> headers{"Authorization: Bearer " + key,
                                           "Content-Type: application/json"};
    const json placement{{"video_id", video},
                         {"product_id", product},
                         {"time_range", {{"start_time", 12.5}, {"end_time", 20}}}};
    const auto created = client.Send("POST", url + "/v1/placements", placement.dump(), headers);
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string id = json::parse(created.body)["data"]["id"];
    EXPECT_EQ(client.Send("GET", url + "/v1/placements/" + id, "", headers).status, 200);
    EXPECT_EQ(
        connection_.Execute("SELECT time_start::text FROM placements WHERE id = $1", pg::Params(id))
            .Single()[0]
            .As<std::string>(),
        "12.500")
        << "the next release reads what the previous one wrote";
    EXPECT_EQ(serve.Stop(), 0) << serve.Log();
  }

  UpgradeTo(kContract);
  for (const std::string command : {"serve --no-workers", "worker projector"}) {
    const std::string refusal = Nedlia(command, previous_dir_);
    EXPECT_EQ(std::count(refusal.begin(), refusal.end(), '\n'), 1) << refusal;
    EXPECT_NE(refusal.find(std::string("migration ") + kContract), std::string::npos) << refusal;
  }

  DowngradeTo(kBackfill);
  BackgroundProcess again("nedlia-rolling-again",
                          {testing::NedliaBinary(), "serve", "--no-workers"}, environment);
  EXPECT_FALSE(again.Await("listening on ").empty()) << again.Log();
  EXPECT_EQ(again.Stop(), 0) << again.Log();
  std::filesystem::remove_all(objects);
}

}  // namespace
}  // namespace nedlia::migrate
