// `nedlia migrate` end to end: the real binary, the real migrations/, a real database.
#include <gtest/gtest.h>

#include <filesystem>

#include "migrate/migration_files.hpp"
#include "migrate/schema_dump.hpp"
#include "migrate/script_directory.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class MigrateCliTest : public ::testing::Test {
 protected:
  CommandResult Nedlia(const std::string& arguments, const std::string& migrations = "") {
    const std::string dir = migrations.empty() ? SourceDir() + "/migrations" : migrations;
    return RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                      " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(dir) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  std::string SchemaDump() { return SchemaDumpOf(database_.Url()); }

  std::string Head() {
    const auto heads = migrate::ScriptDirectory::Load(SourceDir() + "/migrations").Heads();
    EXPECT_EQ(heads.size(), 1u);
    return *heads.begin();
  }

  TestDatabase database_{Template::kEmpty};
};

TEST_F(MigrateCliTest, UpgradeHeadThenCurrentReportsTheHead) {
  const auto upgrade = Nedlia("migrate upgrade head");
  ASSERT_EQ(upgrade.exit_code, 0) << upgrade.output;
  EXPECT_NE(upgrade.output.find("Running upgrade <base> -> "), std::string::npos);
  const auto current = Nedlia("migrate current");
  ASSERT_EQ(current.exit_code, 0) << current.output;
  EXPECT_EQ(current.output, Head() + " (head)\n");
}

TEST_F(MigrateCliTest, DowngradeBaseThenUpgradeHeadGivesAnIdenticalSchema) {
  ASSERT_EQ(Nedlia("migrate upgrade head").exit_code, 0);
  const std::string first = SchemaDump();
  const auto down = Nedlia("migrate downgrade base");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  const auto tables = database_.Connect().Execute(
      "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = 'public' AND c.relname <> 'nedlia_schema_version' "
      "AND c.relname NOT LIKE 'nedlia_schema_version%'");
  EXPECT_EQ(tables.Single()[0].As<std::int64_t>(), 0) << "downgrade base left objects behind";
  ASSERT_EQ(Nedlia("migrate upgrade head").exit_code, 0);
  EXPECT_EQ(SchemaDump(), first);
}

TEST_F(MigrateCliTest, TwoConcurrentUpgradesLeaveOneCorrectResult) {
  const std::string command = "NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                              " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(SourceDir() + "/migrations") +
                              " " + ShellQuote(NedliaBinary()) + " migrate upgrade head";
  const auto both = RunCommand("(" + command + " > /dev/null 2>&1; echo first=$?) & (" + command +
                               " > /dev/null 2>&1; echo second=$?) & wait");
  EXPECT_NE(both.output.find("first=0"), std::string::npos) << both.output;
  EXPECT_NE(both.output.find("second=0"), std::string::npos) << both.output;
  const auto versions = database_.Connect().Execute("SELECT revision FROM nedlia_schema_version");
  ASSERT_EQ(versions.RowCount(), 1);
  EXPECT_EQ(versions[0][0].As<std::string>(), Head());

  TestDatabase reference(Template::kMigrated);
  EXPECT_EQ(SchemaDump(), SchemaDumpOf(reference.Url()));
}

TEST_F(MigrateCliTest, FailingMigrationExitsNonZeroWithTheServerMessage) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "ALTER TABLE nowhere ADD COLUMN x INT;", "");
  const auto result = Nedlia("migrate upgrade head", files.Dir().string());
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("relation \"nowhere\" does not exist"), std::string::npos)
      << result.output;
  EXPECT_EQ(Nedlia("migrate current", files.Dir().string()).output, "aaaaaaaaaaaa\n");
}

TEST_F(MigrateCliTest, RevisionCreatesAnEmptyMigrationChainedToTheHead) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  const auto result = Nedlia("migrate revision -m 'Add the widgets table'", files.Dir().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto scripts = migrate::ScriptDirectory::Load(files.Dir());
  const auto heads = scripts.Heads();
  ASSERT_EQ(heads.size(), 1u);
  const auto& created = scripts.Resolve(*heads.begin());
  EXPECT_EQ(created.down_revisions, std::vector<std::string>{"aaaaaaaaaaaa"});
  EXPECT_EQ(created.message, "Add the widgets table");
  EXPECT_NE(created.path.filename().string().find("add_the_widgets_table"), std::string::npos);
  EXPECT_EQ(Nedlia("migrate upgrade head", files.Dir().string()).exit_code, 0);
}

TEST_F(MigrateCliTest, HistoryListsNewestFirst) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "", "", "first");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "", "", "second");
  const auto result = Nedlia("migrate history", files.Dir().string());
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output,
            "aaaaaaaaaaaa -> bbbbbbbbbbbb (head), second\n<base> -> aaaaaaaaaaaa, first\n");
}

TEST_F(MigrateCliTest, UnreachableDatabaseIsOneLineWithThePasswordHidden) {
  const auto result = RunCommand("NEDLIA_DATABASE_URL='postgresql://alice:s3cret@127.0.0.1:1/db' " +
                                 ShellQuote(NedliaBinary()) + " migrate current");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.output.find("s3cret"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("postgresql://alice:***@127.0.0.1:1/db"), std::string::npos)
      << result.output;
}

TEST_F(MigrateCliTest, UnknownSubcommandOrFlagIsUsageAndExitTwo) {
  EXPECT_EQ(Nedlia("migrate sideways").exit_code, 2);
  EXPECT_EQ(Nedlia("migrate upgrade --bogus").exit_code, 2);
  EXPECT_EQ(Nedlia("frobnicate").exit_code, 2);
}

TEST_F(MigrateCliTest, DowngradeAcceptsANegativeStepCount) {
  ASSERT_EQ(Nedlia("migrate upgrade head").exit_code, 0);
  const auto result = Nedlia("migrate downgrade -1");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("Running downgrade"), std::string::npos);
}

}  // namespace
}  // namespace nedlia::testing
