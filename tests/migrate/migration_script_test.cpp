#include "migrate/migration_script.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace nedlia::migrate {
namespace {

constexpr std::string_view kGood =
    "-- nedlia migration\n"
    "-- revision: 0123456789ab\n"
    "-- down_revision: none\n"
    "-- message: create things\n"
    "-- created: 2026-11-24T00:00:00Z\n"
    "\n"
    "-- +up\n"
    "CREATE TABLE things (id INT);\n"
    "\n"
    "-- +down\n"
    "DROP TABLE things;\n";

TEST(MigrationScriptTest, ParsesHeaderAndBothParts) {
  const auto script = ParseMigrationScript("m.sql", kGood);
  EXPECT_EQ(script.revision, "0123456789ab");
  EXPECT_TRUE(script.down_revisions.empty());
  EXPECT_EQ(script.message, "create things");
  EXPECT_NE(script.up_sql.find("CREATE TABLE things"), std::string::npos);
  EXPECT_EQ(script.up_sql.find("DROP"), std::string::npos);
  EXPECT_NE(script.down_sql.find("DROP TABLE things"), std::string::npos);
  EXPECT_EQ(script.up_first_line, 8);
  EXPECT_EQ(script.down_first_line, 11);
}

TEST(MigrationScriptTest, MergeRevisionHasSeveralParents) {
  std::string text(kGood);
  text.replace(text.find("none"), 4, "aaaaaaaaaaaa, bbbbbbbbbbbb");
  const auto script = ParseMigrationScript("m.sql", text);
  EXPECT_EQ(script.down_revisions, (std::vector<std::string>{"aaaaaaaaaaaa", "bbbbbbbbbbbb"}));
}

TEST(MigrationScriptTest, RenderedScriptParsesBackToTheSameScript) {
  const auto script = ParseMigrationScript("m.sql", kGood);
  const auto again = ParseMigrationScript("m.sql", RenderMigrationScript(script));
  EXPECT_EQ(again.revision, script.revision);
  EXPECT_EQ(again.message, script.message);
  EXPECT_EQ(again.up_sql.find("CREATE TABLE things"), script.up_sql.find("CREATE TABLE things"));
  EXPECT_NE(again.down_sql.find("DROP TABLE things"), std::string::npos);
}

TEST(MigrationScriptTest, TransactionalDefaultsToTrueAndFalseSurvivesRendering) {
  EXPECT_TRUE(ParseMigrationScript("m.sql", kGood).transactional);
  std::string text(kGood);
  text.replace(text.find("\n\n-- +up"), 0, "\n-- transactional: false");
  const auto script = ParseMigrationScript("m.sql", text);
  EXPECT_FALSE(script.transactional);
  EXPECT_FALSE(ParseMigrationScript("m.sql", RenderMigrationScript(script)).transactional);
}

void ExpectError(std::string text, const std::string& expected_fragment) {
  try {
    ParseMigrationScript("dir/m.sql", text);
    FAIL() << "expected an error containing " << expected_fragment;
  } catch (const ScriptError& error) {
    EXPECT_NE(std::string(error.what()).find(expected_fragment), std::string::npos) << error.what();
  }
}

TEST(MigrationScriptTest, MissingMagicLineIsRejectedWithFileAndLine) {
  ExpectError("CREATE TABLE x ();\n", "dir/m.sql:1:");
}

TEST(MigrationScriptTest, AnEmptyFileIsRejectedAtItsFirstLine) {
  ExpectError("", "dir/m.sql:1: not a migration: the file is empty");
}

TEST(MigrationScriptTest, TextThatIsNotUtf8IsRejectedAtItsLine) {
  std::string text(kGood);
  text.replace(text.find("things"), 6, "th\xe9");
  ExpectError(
      text,
      "dir/m.sql:" +
          std::to_string(std::count(text.begin(),
                                    text.begin() + static_cast<long>(text.find("th\xe9")), '\n') +
                         1) +
          ": not UTF-8");
}

TEST(MigrationScriptTest, BadRevisionIdIsRejected) {
  std::string text(kGood);
  text.replace(text.find("0123456789ab"), 12, "not-a-rev");
  ExpectError(text, "dir/m.sql:2: revision must be 12 lowercase hex digits");
}

TEST(MigrationScriptTest, MissingDownPartIsRejected) {
  std::string text(kGood);
  text.erase(text.find("-- +down"));
  ExpectError(text, "missing '-- +down' section");
}

TEST(MigrationScriptTest, DownBeforeUpIsRejected) {
  ExpectError(
      "-- nedlia migration\n-- revision: 0123456789ab\n-- down_revision: none\n-- +down\nx;\n"
      "-- +up\ny;\n",
      "dir/m.sql:4:");
}

TEST(MigrationScriptTest, SqlInTheHeaderIsRejected) {
  std::string text(kGood);
  text.insert(text.find("-- +up"), "DROP TABLE oops;\n");
  ExpectError(text, "dir/m.sql:7: SQL before the '-- +up' marker");
}

TEST(MigrationScriptTest, TransactionalTakesOnlyTrueOrFalse) {
  std::string text(kGood);
  text.replace(text.find("\n\n-- +up"), 0, "\n-- transactional: maybe");
  ExpectError(text, "dir/m.sql:6: transactional must be true or false");
}

}  // namespace
}  // namespace nedlia::migrate
