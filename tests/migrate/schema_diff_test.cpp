// The schema diff behind `revision --autogenerate` and `migrate check`, on schemas built in
// memory: which changes it finds, the SQL each way, the order the SQL must run in, and the
// warnings for what looks like a rename. The end-to-end tests run it on real databases.
#include "migrate/schema_diff.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nedlia::migrate {
namespace {

ColumnModel Column(std::string name, std::string type, bool not_null = false,
                   std::string default_sql = "") {
  return {.name = std::move(name),
          .type = std::move(type),
          .not_null = not_null,
          .default_sql = std::move(default_sql)};
}

SchemaModel WithTable(TableModel table) {
  SchemaModel schema;
  const std::string name = table.name;
  schema.tables.emplace(name, std::move(table));
  return schema;
}

TableModel Videos() {
  return {.name = "videos",
          .columns = {Column("id", "uuid", true, "gen_random_uuid()"),
                      Column("title", "character varying(255)", true)}};
}

std::vector<std::string> Descriptions(const std::vector<SchemaChange>& changes) {
  std::vector<std::string> descriptions;
  for (const SchemaChange& change : changes)
    descriptions.push_back(change.description);
  return descriptions;
}

TEST(SchemaDiffTest, EqualSchemasDifferInNothing) {
  EXPECT_TRUE(DiffSchemas(WithTable(Videos()), WithTable(Videos())).empty());
  EXPECT_TRUE(DiffSchemas({}, {}).empty());
}

TEST(SchemaDiffTest, ATableOnlyInTheSchemaIsCreatedAndDroppedOnTheWayDown) {
  const auto changes = DiffSchemas({}, WithTable(Videos()));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].description, "table videos: only in schema/");
  EXPECT_EQ(changes[0].up_sql,
            "CREATE TABLE videos (\n    id uuid DEFAULT gen_random_uuid() NOT NULL,\n"
            "    title character varying(255) NOT NULL\n);");
  EXPECT_EQ(changes[0].down_sql, "DROP TABLE videos;");
  EXPECT_EQ(changes[0].warning, "");

  // The other way round, the same change inverted.
  const auto removed = DiffSchemas(WithTable(Videos()), {});
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].up_sql, "DROP TABLE videos;");
  EXPECT_EQ(removed[0].down_sql, changes[0].up_sql);
}

TEST(SchemaDiffTest, NamesThatAreNotPlainAreQuoted) {
  TableModel table{.name = "Odd \"Name\"", .columns = {Column("Mixed", "integer")}};
  const auto changes = DiffSchemas({}, WithTable(table));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].up_sql, "CREATE TABLE \"Odd \"\"Name\"\"\" (\n    \"Mixed\" integer\n);");
}

TEST(SchemaDiffTest, AColumnRemovedAndOneAddedWithTheSameTypeWarnsOfARename) {
  TableModel renamed = Videos();
  renamed.columns[1].name = "name";
  const auto changes = DiffSchemas(WithTable(Videos()), WithTable(renamed));
  ASSERT_EQ(changes.size(), 2u);
  // Drops run before additions.
  EXPECT_EQ(changes[0].up_sql, "ALTER TABLE videos DROP COLUMN title;");
  EXPECT_EQ(changes[1].up_sql,
            "ALTER TABLE videos ADD COLUMN name character varying(255) NOT NULL;");
  for (const SchemaChange& change : changes) {
    EXPECT_NE(change.warning.find("RENAME COLUMN"), std::string::npos) << change.warning;
  }
  // With another type it is no rename.
  renamed.columns[1].type = "text";
  for (const SchemaChange& change : DiffSchemas(WithTable(Videos()), WithTable(renamed)))
    EXPECT_EQ(change.warning, "") << change.description;
}

TEST(SchemaDiffTest, ATableRemovedAndOneAddedWithTheSameColumnsWarnsOfARename) {
  TableModel clips = Videos();
  clips.name = "clips";
  const auto changes = DiffSchemas(WithTable(Videos()), WithTable(clips));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].up_sql, "DROP TABLE videos;");
  EXPECT_NE(changes[0].warning.find("RENAME TO"), std::string::npos);
  EXPECT_EQ(changes[1].up_sql.rfind("CREATE TABLE clips", 0), 0u) << changes[1].up_sql;
}

TEST(SchemaDiffTest, ATypeOrDefaultChangeAltersTheColumnBothWays) {
  TableModel wanted = Videos();
  wanted.columns[1].type = "text";
  wanted.columns[1].default_sql = "''::text";
  const auto changes = DiffSchemas(WithTable(Videos()), WithTable(wanted));
  ASSERT_EQ(changes.size(), 2u) << ::testing::PrintToString(Descriptions(changes));
  EXPECT_EQ(changes[0].up_sql,
            "ALTER TABLE videos ALTER COLUMN title TYPE text USING title::text;");
  EXPECT_EQ(changes[0].down_sql,
            "ALTER TABLE videos ALTER COLUMN title TYPE character varying(255) USING "
            "title::character varying(255);");
  EXPECT_EQ(changes[1].up_sql, "ALTER TABLE videos ALTER COLUMN title SET DEFAULT ''::text;");
  EXPECT_EQ(changes[1].down_sql, "ALTER TABLE videos ALTER COLUMN title DROP DEFAULT;");
}

TEST(SchemaDiffTest, AConstraintOnALiveTableIsAddedNotValidThenValidated) {
  SchemaModel current = WithTable(Videos());
  SchemaModel wanted = current;
  wanted.constraints["videos.title_set"] = {
      .table = "videos", .name = "title_set", .definition = "CHECK (title <> '')", .kind = 'c'};
  const auto changes = DiffSchemas(current, wanted);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].up_sql,
            "ALTER TABLE videos ADD CONSTRAINT title_set CHECK (title <> '') NOT VALID;\n"
            "ALTER TABLE videos VALIDATE CONSTRAINT title_set;");
  EXPECT_EQ(changes[0].down_sql, "ALTER TABLE videos DROP CONSTRAINT title_set;");

  // On a table made by the same migration there is nothing to scan for: added valid at once.
  const auto fresh = DiffSchemas({}, wanted);
  ASSERT_EQ(fresh.size(), 2u);
  EXPECT_EQ(fresh[1].up_sql, "ALTER TABLE videos ADD CONSTRAINT title_set CHECK (title <> '');");
}

TEST(SchemaDiffTest, UpRunsDependentsFirstAndDownRunsInReverse) {
  // Dropping a table with an index, a foreign key and a trigger on it, and a view over it.
  SchemaModel current = WithTable(Videos());
  current.indexes["videos_title"] = {.table = "videos",
                                     .name = "videos_title",
                                     .definition =
                                         "CREATE INDEX videos_title ON "
                                         "public.videos USING btree (title)"};
  current.constraints["videos.videos_self"] = {
      .table = "videos",
      .name = "videos_self",
      .definition = "FOREIGN KEY (id) REFERENCES videos(id)",
      .kind = 'f'};
  current.triggers["videos.touch"] = {.table = "videos",
                                      .name = "touch",
                                      .definition =
                                          "CREATE TRIGGER touch BEFORE UPDATE ON "
                                          "public.videos FOR EACH ROW EXECUTE FUNCTION "
                                          "touch()"};
  current.views["titles"] = {
      .table = "", .name = "titles", .definition = " SELECT title FROM videos;", .kind = 'v'};
  const auto changes = DiffSchemas(current, {});
  EXPECT_EQ(Descriptions(changes),
            (std::vector<std::string>{
                "trigger videos.touch: not in schema/", "view titles: not in schema/",
                "constraint videos.videos_self: not in schema/",
                "index videos.videos_title: not in schema/", "table videos: not in schema/"}));
  const std::string up = RenderUp(changes);
  const std::string down = RenderDown(changes);
  EXPECT_LT(up.find("DROP TRIGGER touch ON videos;"), up.find("DROP TABLE videos;"));
  EXPECT_LT(down.find("CREATE TABLE videos"), down.find("CREATE INDEX videos_title"));
  EXPECT_LT(down.find("CREATE INDEX videos_title"), down.find("CREATE TRIGGER touch"));
  // Both run with a lock timeout, so that a busy table fails the migration instead of queueing
  // every query behind it.
  EXPECT_EQ(up.rfind("SET LOCAL lock_timeout = '5s';", 0), 0u);
  EXPECT_EQ(down.rfind("SET LOCAL lock_timeout = '5s';", 0), 0u);
}

TEST(SchemaDiffTest, AChangedFunctionIsReplacedInPlace) {
  SchemaModel current;
  current.functions["touch()"] = "CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS 'old'";
  SchemaModel wanted;
  wanted.functions["touch()"] = "CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS 'new'";
  const auto changes = DiffSchemas(current, wanted);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].description, "function touch(): differs");
  EXPECT_EQ(changes[0].up_sql, wanted.functions["touch()"] + ";");
  EXPECT_EQ(changes[0].down_sql, current.functions["touch()"] + ";");
}

TEST(SchemaDiffTest, ExtensionsComeFirstAndLeaveLast) {
  SchemaModel wanted = WithTable(Videos());
  wanted.extensions.insert("btree_gist");
  const auto added = DiffSchemas({}, wanted);
  ASSERT_EQ(added.size(), 2u);
  EXPECT_EQ(added[0].up_sql, "CREATE EXTENSION IF NOT EXISTS btree_gist;");
  SchemaModel current = wanted;
  const auto removed = DiffSchemas(current, {});
  ASSERT_EQ(removed.size(), 2u);
  EXPECT_EQ(removed[1].up_sql, "DROP EXTENSION btree_gist;");
}

}  // namespace
}  // namespace nedlia::migrate
