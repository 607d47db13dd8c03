#include <gtest/gtest.h>

#include "migrate/migration_files.hpp"
#include "migrate/migrator.hpp"
#include "support/test_database.hpp"

namespace nedlia::migrate {
namespace {

using testing::MigrationFiles;
using testing::Template;
using testing::TestDatabase;

constexpr const char* kA = "aaaaaaaaaaaa";
constexpr const char* kB = "bbbbbbbbbbbb";
constexpr const char* kC = "cccccccccccc";

class MigratorTest : public ::testing::Test {
 protected:
  void AddChain() {
    files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
    files_.Add(kB, kA, "CREATE TABLE two (id INT);", "DROP TABLE two;");
    files_.Add(kC, kB, "CREATE TABLE three (id INT);", "DROP TABLE three;");
  }

  bool TableExists(const std::string& name) {
    return connection_.Execute("SELECT to_regclass($1) IS NOT NULL", pg::Params(name))
        .Single()[0]
        .As<bool>();
  }

  MigrationFiles files_;
  TestDatabase database_{Template::kEmpty};
  pg::Connection connection_ = database_.Connect();
};

TEST_F(MigratorTest, UpgradeHeadAppliesEveryMigrationInOrder) {
  AddChain();
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  EXPECT_TRUE(migrator.Current().empty());
  const auto steps = migrator.Upgrade("head");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[0].script->revision, kA);
  EXPECT_EQ(migrator.Current(), (RevisionSet{kC}));
  EXPECT_TRUE(TableExists("three"));
  EXPECT_TRUE(migrator.Upgrade("head").empty()) << "a second upgrade has nothing to do";
}

TEST_F(MigratorTest, RelativeAndNamedTargetsMoveStepByStep) {
  AddChain();
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  migrator.Upgrade("+1");
  EXPECT_EQ(migrator.Current(), (RevisionSet{kA}));
  migrator.Upgrade("bbbb");  // a unique prefix
  EXPECT_EQ(migrator.Current(), (RevisionSet{kB}));
  migrator.Upgrade("head");
  migrator.Downgrade("-2");
  EXPECT_EQ(migrator.Current(), (RevisionSet{kA}));
  EXPECT_FALSE(TableExists("two"));
  EXPECT_THROW(migrator.Downgrade("-5"), MigrationError);
  migrator.Downgrade("base");
  EXPECT_TRUE(migrator.Current().empty());
  EXPECT_FALSE(TableExists("one"));
}

TEST_F(MigratorTest, FailingMigrationLeavesTheLastGoodRevisionAndNamesTheLine) {
  files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files_.Add(kB, kA, "CREATE TABLE two (id INT);\nSELECT * FROM missing_table;", "DROP TABLE two;");
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  try {
    migrator.Upgrade("head");
    FAIL() << "expected the second migration to fail";
  } catch (const MigrationError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("bbbbbbbbbbbb_step.sql:9:"), std::string::npos) << what;
    EXPECT_NE(what.find("missing_table"), std::string::npos) << what;
  }
  EXPECT_EQ(migrator.Current(), (RevisionSet{kA}));
  EXPECT_FALSE(TableExists("two")) << "the failed migration's own statements were rolled back";
}

TEST_F(MigratorTest, DatabaseAheadOfTheFilesIsRefused) {
  AddChain();
  {
    const auto scripts = ScriptDirectory::Load(files_.Dir());
    Migrator(connection_, scripts).Upgrade("head");
  }
  MigrationFiles older;
  older.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  const auto scripts = ScriptDirectory::Load(older.Dir());
  Migrator migrator(connection_, scripts);
  EXPECT_THROW(migrator.Current(), MigrationError);
  EXPECT_THROW(migrator.Upgrade("head"), MigrationError);
}

TEST_F(MigratorTest, MultipleHeadsNeedAnExplicitTarget) {
  files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files_.Add(kB, kA, "CREATE TABLE two (id INT);", "DROP TABLE two;");
  files_.Add(kC, kA, "CREATE TABLE three (id INT);", "DROP TABLE three;");
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  EXPECT_THROW(migrator.Upgrade("head"), MigrationError);
  migrator.Upgrade("heads");
  EXPECT_EQ(migrator.Current(), (RevisionSet{kB, kC}));
  migrator.Downgrade(kA);
  EXPECT_EQ(migrator.Current(), (RevisionSet{kA}));
}

TEST_F(MigratorTest, VersionTableOnlyClaimsCommittedRevisions) {
  files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files_.Add(kB, kA, "CREATE TABLE two (id INT);\nSELECT 1/0;", "DROP TABLE two;");
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  EXPECT_THROW(migrator.Upgrade("head"), MigrationError);
  pg::Connection other = database_.Connect();
  const auto rows = other.Execute("SELECT revision FROM nedlia_schema_version");
  ASSERT_EQ(rows.RowCount(), 1);
  EXPECT_EQ(rows[0][0].As<std::string>(), kA);
}

TEST_F(MigratorTest, ANonTransactionalMigrationRunsStatementsThatCannotBeInATransaction) {
  const std::string index =
      "DROP INDEX CONCURRENTLY IF EXISTS one_id;\nCREATE INDEX CONCURRENTLY one_id ON one (id);";
  files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files_.Add(kB, kA, index, "DROP INDEX CONCURRENTLY one_id;", "index",
             "-- transactional: false\n");
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  migrator.Upgrade("head");
  EXPECT_EQ(migrator.Current(), (RevisionSet{kB}));
  EXPECT_TRUE(
      connection_.Execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'one_id'::regclass")
          .Single()[0]
          .As<bool>());
  migrator.Downgrade(kA);
  EXPECT_FALSE(TableExists("one_id"));

  // The same statements in an ordinary migration fail: that is what the header is for.
  MigrationFiles transactional;
  transactional.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  transactional.Add(kC, kA, index, "DROP INDEX one_id;");
  const auto plain = ScriptDirectory::Load(transactional.Dir());
  TestDatabase other_database(Template::kEmpty);
  pg::Connection other = other_database.Connect();
  EXPECT_THROW(Migrator(other, plain).Upgrade("head"), MigrationError);
}

TEST_F(MigratorTest, ANonTransactionalMigrationThatFailsMidwayIsNotClaimedAndRunsAgain) {
  files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files_.Add(kB, kA, "CREATE TABLE IF NOT EXISTS two (id INT);\nINSERT INTO gate VALUES (1);",
             "DROP TABLE two;", "two", "-- transactional: false\n");
  const auto scripts = ScriptDirectory::Load(files_.Dir());
  Migrator migrator(connection_, scripts);
  try {
    migrator.Upgrade("head");
    FAIL() << "expected the insert into a missing table to fail";
  } catch (const MigrationError& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("bbbbbbbbbbbb_step.sql:10:"), std::string::npos) << what;
    EXPECT_NE(what.find("runs again from its start"), std::string::npos) << what;
  }
  EXPECT_EQ(migrator.Current(), (RevisionSet{kA})) << "never claimed";
  EXPECT_TRUE(TableExists("two")) << "its first statement committed on its own";
  connection_.Execute("CREATE TABLE gate (id INT)");
  migrator.Upgrade("head");
  EXPECT_EQ(migrator.Current(), (RevisionSet{kB}));
}

TEST_F(MigratorTest, ASyntaxErrorInAnyFileNamesItsLineAndNothingRuns) {
  files_.Add(kA, "none", "CREATE TABLE one (id INT);", "DROP TABLE one;");
  files_.Add(kB, kA, "CREATE TABLE two (id INT);\nALTER TABLE two ADD COLUMN;", "DROP TABLE two;");
  try {
    ScriptDirectory::Load(files_.Dir());
    FAIL() << "expected a syntax error";
  } catch (const ScriptError& error) {
    EXPECT_NE(std::string(error.what()).find("bbbbbbbbbbbb_step.sql:9: syntax error at or near"),
              std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(TableExists("one")) << "the scripts are checked before anything runs";
}

}  // namespace
}  // namespace nedlia::migrate
