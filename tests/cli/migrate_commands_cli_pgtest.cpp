// The rest of `nedlia migrate`'s command surface, end to end with the real binary: offline SQL
// for a DBA (upgrade --sql / downgrade --sql / stamp --sql), stamp, heads, branches and merge.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "migrate/migration_files.hpp"
#include "migrate/schema_dump.hpp"
#include "migrate/script_directory.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

class MigrateCommandsTest : public ::testing::Test {
 protected:
  CommandResult Nedlia(const std::string& arguments, const std::string& migrations = "") {
    const std::string dir = migrations.empty() ? SourceDir() + "/migrations" : migrations;
    return RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                      " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(dir) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  /// Runs `arguments` (an offline command) and feeds what it prints to psql.
  CommandResult ThroughPsql(const std::string& arguments, const std::string& migrations = "") {
    const CommandResult printed = Nedlia(arguments + " 2>/dev/null", migrations);
    EXPECT_EQ(printed.exit_code, 0) << printed.output;
    const std::string file = ::testing::TempDir() + "/offline-" + domain::Uuid::NewV7().ToString();
    std::ofstream(file) << printed.output;
    const CommandResult applied = RunCommand("psql -X -q -v ON_ERROR_STOP=1 -f " +
                                             ShellQuote(file) + " " + ShellQuote(database_.Url()));
    std::filesystem::remove(file);
    return applied;
  }

  bool TableExists(const std::string& name) {
    return database_.Connect()
        .Execute("SELECT to_regclass($1) IS NOT NULL", pg::Params(name))
        .Single()[0]
        .As<bool>();
  }

  TestDatabase database_{Template::kEmpty};
};

TEST_F(MigrateCommandsTest, OfflineUpgradeSqlRunByPsqlBuildsTheSameSchemaAsUpgrade) {
  const CommandResult applied = ThroughPsql("migrate upgrade --sql head");
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  TestDatabase reference(Template::kMigrated);
  EXPECT_EQ(SchemaDumpOf(database_.Url()), SchemaDumpOf(reference.Url()));
  const auto heads = migrate::ScriptDirectory::Load(SourceDir() + "/migrations").Heads();
  EXPECT_EQ(Nedlia("migrate current").output, *heads.begin() + " (head)\n");

  // And back: the offline downgrade from head to base leaves only the version table.
  const CommandResult down = ThroughPsql("migrate downgrade --sql head:base");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_FALSE(TableExists("placements"));
  EXPECT_EQ(Nedlia("migrate current").output, "base (no migration applied)\n");
}

TEST_F(MigrateCommandsTest, OfflineSqlRunsEachStepInItsTransactionWithTheVersion) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;", "first");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "CREATE TABLE two (id INT);", "DROP TABLE two;");
  const CommandResult sql = Nedlia("migrate upgrade --sql aaaaaaaaaaaa:head", files.Dir().string());
  ASSERT_EQ(sql.exit_code, 0) << sql.output;
  EXPECT_EQ(sql.output.find("CREATE TABLE one"), std::string::npos) << "starts after FROM";
  EXPECT_NE(sql.output.find(
                "BEGIN;\nCREATE TABLE two (id INT);\nDELETE FROM "
                "nedlia_schema_version;\nINSERT INTO nedlia_schema_version (revision, applied, "
                "breaking) VALUES ('bbbbbbbbbbbb', "
                "'{\"aaaaaaaaaaaa\",\"bbbbbbbbbbbb\"}'::text[], '{}'::text[]);\n"
                "COMMIT;\n"),
            std::string::npos)
      << sql.output;
  EXPECT_TRUE(database_.Connect().Execute("SELECT 1 FROM pg_class WHERE relname = 'one'").Empty())
      << "offline never touches the database";

  files.Add("cccccccccccc", "bbbbbbbbbbbb", "CREATE INDEX CONCURRENTLY two_id ON two (id);",
            "DROP INDEX CONCURRENTLY two_id;", "index", "-- transactional: false\n");
  const CommandResult outside =
      Nedlia("migrate upgrade --sql bbbbbbbbbbbb:head", files.Dir().string());
  ASSERT_EQ(outside.exit_code, 0) << outside.output;
  EXPECT_NE(outside.output.find("-- not in a transaction: each statement commits on its own\n"
                                "CREATE INDEX CONCURRENTLY two_id ON two (id);\nBEGIN;\nDELETE"),
            std::string::npos)
      << outside.output;

  const CommandResult needs_range = Nedlia("migrate downgrade --sql base", files.Dir().string());
  EXPECT_EQ(needs_range.exit_code, 1);
  EXPECT_NE(needs_range.output.find("FROM:TO"), std::string::npos) << needs_range.output;
}

TEST_F(MigrateCommandsTest, StampRecordsARevisionWithoutRunningAnything) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "CREATE TABLE two (id INT);", "DROP TABLE two;");
  const std::string dir = files.Dir().string();
  const CommandResult stamped = Nedlia("migrate stamp head", dir);
  ASSERT_EQ(stamped.exit_code, 0) << stamped.output;
  EXPECT_EQ(Nedlia("migrate current", dir).output, "bbbbbbbbbbbb (head)\n");
  EXPECT_FALSE(TableExists("one"));
  EXPECT_FALSE(TableExists("two"));

  ASSERT_EQ(Nedlia("migrate stamp aaaaaaaaaaaa", dir).exit_code, 0);
  ASSERT_EQ(Nedlia("migrate upgrade head", dir).exit_code, 0);
  EXPECT_FALSE(TableExists("one")) << "aaaaaaaaaaaa counted as applied";
  EXPECT_TRUE(TableExists("two"));

  ASSERT_EQ(Nedlia("migrate stamp base", dir).exit_code, 0);
  EXPECT_EQ(Nedlia("migrate current", dir).output, "base (no migration applied)\n");

  const CommandResult sql = Nedlia("migrate stamp --sql head", dir);
  ASSERT_EQ(sql.exit_code, 0) << sql.output;
  EXPECT_NE(sql.output.find("VALUES ('bbbbbbbbbbbb', "), std::string::npos) << sql.output;
}

TEST_F(MigrateCommandsTest, ADatabaseAheadOfTheFilesIsRefusedUnlessStampPurges) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  const std::string dir = files.Dir().string();
  ASSERT_EQ(Nedlia("migrate stamp head", dir).exit_code, 0);
  database_.Connect().Execute("UPDATE nedlia_schema_version SET revision = 'ffffffffffff'");

  for (const std::string command : {"migrate upgrade head", "migrate stamp head"}) {
    const CommandResult refused = Nedlia(command, dir);
    EXPECT_EQ(refused.exit_code, 1) << command;
    EXPECT_NE(refused.output.find("ffffffffffff, which no file"), std::string::npos)
        << refused.output;
  }
  ASSERT_EQ(Nedlia("migrate stamp --purge head", dir).exit_code, 0);
  EXPECT_EQ(Nedlia("migrate current", dir).output, "aaaaaaaaaaaa (head)\n");
}

TEST_F(MigrateCommandsTest, TwoMigrationsOnOneParentAreHeadsUntilMerged) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;", "base");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "CREATE TABLE two (id INT);", "DROP TABLE two;",
            "left");
  files.Add("cccccccccccc", "aaaaaaaaaaaa", "CREATE TABLE three (id INT);", "DROP TABLE three;",
            "right");
  const std::string dir = files.Dir().string();

  EXPECT_EQ(Nedlia("migrate heads", dir).output,
            "bbbbbbbbbbbb (head), left\ncccccccccccc (head), right\n");
  EXPECT_EQ(Nedlia("migrate branches", dir).output,
            "aaaaaaaaaaaa (branchpoint), base\n  -> bbbbbbbbbbbb, left\n"
            "  -> cccccccccccc, right\n");
  const CommandResult upgrade = Nedlia("migrate upgrade head", dir);
  EXPECT_EQ(upgrade.exit_code, 1);
  EXPECT_NE(upgrade.output.find("multiple heads (bbbbbbbbbbbb, cccccccccccc)"), std::string::npos)
      << upgrade.output;
  EXPECT_NE(upgrade.output.find("nedlia migrate merge heads"), std::string::npos);
  EXPECT_EQ(Nedlia("migrate revision -m more", dir).exit_code, 1) << "not on two heads";

  const CommandResult merged = Nedlia("migrate merge -m 'join the branches'", dir);
  ASSERT_EQ(merged.exit_code, 0) << merged.output;
  const auto scripts = migrate::ScriptDirectory::Load(files.Dir());
  ASSERT_EQ(scripts.Heads().size(), 1U);
  const auto& merge = scripts.Resolve(*scripts.Heads().begin());
  EXPECT_EQ(merge.down_revisions, (std::vector<std::string>{"bbbbbbbbbbbb", "cccccccccccc"}));
  EXPECT_EQ(merge.message, "join the branches");

  ASSERT_EQ(Nedlia("migrate upgrade head", dir).exit_code, 0);
  EXPECT_TRUE(TableExists("two"));
  EXPECT_TRUE(TableExists("three"));
  const CommandResult nothing = Nedlia("migrate merge -m again", dir);
  EXPECT_EQ(nothing.exit_code, 1);
  EXPECT_NE(nothing.output.find("nothing to merge"), std::string::npos) << nothing.output;
  ASSERT_EQ(Nedlia("migrate downgrade aaaaaaaaaaaa", dir).exit_code, 0);
  EXPECT_FALSE(TableExists("two"));
  EXPECT_FALSE(TableExists("three"));
}

TEST_F(MigrateCommandsTest, CheckPassesOurMigrationsAndNamesEachUnsafeOperation) {
  const CommandResult ours = Nedlia("migrate check");
  EXPECT_EQ(ours.exit_code, 0) << ours.output;

  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa", "CREATE INDEX one_id ON one (id);",
            "DROP INDEX one_id;");
  const CommandResult unsafe = Nedlia("migrate check", files.Dir().string());
  EXPECT_EQ(unsafe.exit_code, 1);
  EXPECT_NE(unsafe.output.find("bbbbbbbbbbbb_step.sql:8: [lock-timeout]"), std::string::npos)
      << unsafe.output;
  EXPECT_NE(unsafe.output.find("bbbbbbbbbbbb_step.sql:8: [index-not-concurrent]"),
            std::string::npos)
      << unsafe.output;
  EXPECT_NE(unsafe.output.find("2 unsafe operation(s)"), std::string::npos) << unsafe.output;
}

TEST_F(MigrateCommandsTest, EveryMigrationRoundTripsToAnIdenticalSchema) {
  const auto scripts = migrate::ScriptDirectory::Load(SourceDir() + "/migrations");
  std::string before = "";
  for (const migrate::MigrationScript* script : scripts.TopologicalOrder()) {
    SCOPED_TRACE(script->path.filename().string());
    ASSERT_EQ(Nedlia("migrate upgrade " + script->revision).exit_code, 0);
    const std::string up = SchemaDumpOf(database_.Url());
    const CommandResult down = Nedlia("migrate downgrade -1");
    ASSERT_EQ(down.exit_code, 0) << down.output;
    if (!before.empty()) {
      EXPECT_EQ(SchemaDumpOf(database_.Url()), before) << "down did not undo up exactly";
    }
    ASSERT_EQ(Nedlia("migrate upgrade " + script->revision).exit_code, 0);
    EXPECT_EQ(SchemaDumpOf(database_.Url()), up) << "up again gave another schema";
    before = up;
  }
}

TEST_F(MigrateCommandsTest, AMigratorKilledMidMigrationClaimsNothingAndTheNextRunFinishes) {
  MigrationFiles files;
  files.Add("aaaaaaaaaaaa", "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files.Add("bbbbbbbbbbbb", "aaaaaaaaaaaa",
            "CREATE TABLE two (id INT);\nSELECT pg_sleep(30) WHERE NOT EXISTS (SELECT 1 FROM "
            "pg_class WHERE relname = 'gate');",
            "DROP TABLE two;");
  const std::string dir = files.Dir().string();
  ASSERT_EQ(Nedlia("migrate upgrade aaaaaaaaaaaa", dir).exit_code, 0);
  // Started in the background, killed with SIGKILL once its second migration is running.
  const std::string command = "NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                              " NEDLIA_MIGRATIONS_DIR=" + ShellQuote(dir) + " " +
                              ShellQuote(NedliaBinary()) + " migrate upgrade head";
  const CommandResult killed = RunCommand(
      "(" + command + " > /dev/null 2>&1 & pid=$!; for i in $(seq 100); do psql -XAtq " +
      ShellQuote(database_.Url()) +
      " -c \"SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' AND pid <> "
      "pg_backend_pid()\" | grep -q 1 && break; sleep 0.1; done; kill -9 $pid; wait $pid; "
      "echo killed=$?)");
  EXPECT_NE(killed.output.find("killed=137"), std::string::npos) << killed.output;
  // The server ends the dead client's session: its transaction rolls back, its lock goes.
  database_.Connect().Execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' "
      "AND pid <> pg_backend_pid()");
  EXPECT_EQ(Nedlia("migrate current", dir).output, "aaaaaaaaaaaa\n");
  EXPECT_FALSE(TableExists("two"));

  database_.Connect().Execute("CREATE TABLE gate (id INT)");
  const CommandResult again = Nedlia("migrate upgrade head", dir);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Nedlia("migrate current", dir).output, "bbbbbbbbbbbb (head)\n");
  EXPECT_TRUE(TableExists("two"));
}

}  // namespace
}  // namespace nedlia::testing
