// The declared schema (schema/) against the migrations, end to end with the real binary:
// check names each difference, revision --autogenerate writes the migration that removes them,
// and the generated migration round-trips.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "migrate/schema_dump.hpp"
#include "migrate/script_directory.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

/// Copies of migrations/ and schema/ that a test may change.
class AutogenerateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("nedlia-autogen-" + domain::Uuid::NewV7().ToString());
    fs::create_directories(root_);
    fs::copy(SourceDir() + "/migrations", root_ / "migrations");
    fs::copy(SourceDir() + "/schema", root_ / "schema");
  }
  void TearDown() override { fs::remove_all(root_); }

  CommandResult Nedlia(const std::string& arguments) {
    return RunCommand("NEDLIA_DATABASE_URL=" + ShellQuote(database_.Url()) +
                      " NEDLIA_MIGRATIONS_DIR=" + ShellQuote((root_ / "migrations").string()) +
                      " NEDLIA_SCHEMA_DIR=" + ShellQuote((root_ / "schema").string()) + " " +
                      ShellQuote(NedliaBinary()) + " " + arguments);
  }

  void Declare(const std::string& file, const std::string& sql) {
    std::ofstream(root_ / "schema" / file) << sql;
  }

  fs::path root_;
  TestDatabase database_{Template::kEmpty};
};

const char* kWidgets = R"sql(
CREATE TABLE widgets (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    placement_id uuid REFERENCES placements (id),
    size integer DEFAULT 1 CHECK (size > 0)
);
CREATE INDEX idx_widgets_name ON widgets (name) WHERE name <> '';
ALTER TABLE videos ADD COLUMN rating integer CHECK (rating BETWEEN 0 AND 5);
ALTER TABLE advertisers ADD CONSTRAINT chk_advertisers_name CHECK (name <> '');
CREATE VIEW widget_names AS SELECT id, name FROM widgets;
CREATE FUNCTION widget_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM widgets';
CREATE SEQUENCE widget_serials;
ALTER TABLE webhooks DROP COLUMN last_success_at;
CREATE TABLE widget_events (id bigint NOT NULL, at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE widget_events_2026 PARTITION OF widget_events
    FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2027-01-01 00:00:00+00');
CREATE INDEX idx_widget_events_at ON widget_events (at);
CREATE MATERIALIZED VIEW widget_totals AS SELECT count(*) AS total FROM widgets;
CREATE FUNCTION widget_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.size := coalesce(NEW.size, 1);
    RETURN NEW;
END
$$;
CREATE TRIGGER trg_widgets_stamp BEFORE INSERT ON widgets
    FOR EACH ROW EXECUTE FUNCTION widget_stamp();
)sql";

TEST_F(AutogenerateTest, CheckNamesEachDifferenceAndAutogenerateRemovesThem) {
  Declare("900_widgets.sql", kWidgets);
  const CommandResult drift = Nedlia("migrate check");
  EXPECT_EQ(drift.exit_code, 1);
  for (const std::string expected :
       {"drift: table widgets: only in schema/", "drift: column videos.rating: only in schema/",
        "drift: index widgets.idx_widgets_name: only in schema/",
        "drift: constraint advertisers.chk_advertisers_name: only in schema/",
        "drift: view widget_names: only in schema/",
        "drift: function widget_count(): only in schema/",
        "drift: sequence widget_serials: only in schema/",
        "drift: column webhooks.last_success_at: not in schema/",
        "drift: table widget_events: only in schema/",
        "drift: partition widget_events_2026: only in schema/",
        "drift: index widget_events.idx_widget_events_at: only in schema/",
        "drift: view widget_totals: only in schema/",
        "drift: trigger widgets.trg_widgets_stamp: only in schema/"}) {
    EXPECT_NE(drift.output.find(expected), std::string::npos) << expected << "\n" << drift.output;
  }

  const CommandResult generated = Nedlia("migrate revision --autogenerate -m 'add widgets'");
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  EXPECT_NE(generated.output.find("Detected table widgets: only in schema/"), std::string::npos);
  EXPECT_EQ(generated.output.find("Review:"), std::string::npos)
      << "the generated SQL is safe as written: " << generated.output;
  EXPECT_NE(generated.output.find("so it declares '-- breaks: releases before this one'"),
            std::string::npos)
      << "it drops webhooks.last_success_at, which the release before reads: " << generated.output;

  const CommandResult clean = Nedlia("migrate check");
  EXPECT_EQ(clean.exit_code, 0) << clean.output;

  // Applied to a database, then undone and applied again: the same schema each time.
  ASSERT_EQ(Nedlia("migrate upgrade head").exit_code, 0);
  const std::string up = SchemaDumpOf(database_.Url());
  const CommandResult down = Nedlia("migrate downgrade -1");
  ASSERT_EQ(down.exit_code, 0) << down.output;
  EXPECT_EQ(database_.Connect()
                .Execute("SELECT to_regclass('widgets') IS NULL AND EXISTS (SELECT 1 FROM "
                         "information_schema.columns WHERE table_name = 'webhooks' AND "
                         "column_name = 'last_success_at')")
                .Single()[0]
                .As<bool>(),
            true);
  ASSERT_EQ(Nedlia("migrate upgrade head").exit_code, 0);
  EXPECT_EQ(SchemaDumpOf(database_.Url()), up);
}

TEST_F(AutogenerateTest, ALikelyRenameIsDropAndAddWithAWarning) {
  Declare("900_rename.sql", "ALTER TABLE videos RENAME COLUMN title TO headline;");
  const CommandResult generated = Nedlia("migrate revision --autogenerate -m 'rename title'");
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  EXPECT_NE(generated.output.find("WARNING: column videos.title removed and headline added with "
                                  "the same type: if it is a rename"),
            std::string::npos)
      << generated.output;
  const auto scripts = migrate::ScriptDirectory::Load(root_ / "migrations");
  const auto& script = scripts.Resolve(*scripts.Heads().begin());
  EXPECT_NE(script.up_sql.find("ALTER TABLE videos DROP COLUMN title;"), std::string::npos)
      << script.up_sql;
  EXPECT_NE(script.up_sql.find("-- WARNING: column videos.title removed"), std::string::npos);
  EXPECT_NE(generated.output.find("Review: "), std::string::npos)
      << "the lint flags the drop + add: " << generated.output;
}

TEST_F(AutogenerateTest, NoDifferenceWritesNothingAndBadSchemaNamesFileAndLine) {
  const CommandResult nothing = Nedlia("migrate revision --autogenerate -m nothing");
  EXPECT_EQ(nothing.exit_code, 0) << nothing.output;
  EXPECT_NE(nothing.output.find("No changes"), std::string::npos) << nothing.output;
  EXPECT_EQ(migrate::ScriptDirectory::Load(root_ / "migrations").Heads(),
            migrate::ScriptDirectory::Load(SourceDir() + "/migrations").Heads());

  Declare("900_bad.sql", "CREATE TABLE fine (id int);\n\nCREATE TABEL broken (id int);\n");
  const CommandResult syntax = Nedlia("migrate check");
  EXPECT_EQ(syntax.exit_code, 1);
  EXPECT_NE(syntax.output.find("900_bad.sql:3: syntax error at or near \"TABEL\""),
            std::string::npos)
      << syntax.output;

  Declare("900_bad.sql", "CREATE TABLE fine (id int);\nALTER TABLE nowhere ADD COLUMN x int;\n");
  const CommandResult missing = Nedlia("migrate check");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("900_bad.sql:2: "), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("\"nowhere\" does not exist"), std::string::npos) << missing.output;
  // Only ours: other tests make scratch databases on the same server at the same time.
  EXPECT_TRUE(database_.Connect()
                  .Execute("SELECT count(*) = 0 FROM pg_database WHERE starts_with(datname, $1)",
                           pg::Params(database_.Name() + "_scratch_"))
                  .Single()[0]
                  .As<bool>())
      << "scratch databases are dropped";
}

}  // namespace
}  // namespace nedlia::testing
