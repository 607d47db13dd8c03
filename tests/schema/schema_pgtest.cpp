// The migrated schema holds every declaration of tests/schema/specification_schema.txt (the
// specification's tables, columns, constraints and indexes, copied by hand, plus the documented
// corrections and additions), and the behaviour the catalog cannot show: version and updated_at
// kept by triggers, the overlap exclusion, and placement_details shaped like the spec's view.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "pg/errors.hpp"
#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

/// One declaration of the specification file.
struct Declaration {
  int line_number;
  std::string text;                ///< the whole line, for failure messages
  std::string kind;                ///< the first word
  std::vector<std::string> words;  ///< the words after the kind
};

std::ostream& operator<<(std::ostream& out, const Declaration& declaration) {
  return out << "specification_schema.txt:" << declaration.line_number << ": " << declaration.text;
}

std::vector<Declaration> ReadDeclarations() {
  const std::string path = SourceDir() + "/tests/schema/specification_schema.txt";
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::vector<Declaration> declarations;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    Declaration declaration{number, line, "", {}};
    if (!(words >> declaration.kind) || declaration.kind.starts_with('#'))
      continue;
    for (std::string word; words >> word;)
      declaration.words.push_back(word);
    declarations.push_back(std::move(declaration));
  }
  return declarations;
}

const std::vector<Declaration>& Declarations() {
  static const std::vector<Declaration> declarations = ReadDeclarations();
  return declarations;
}

std::vector<Declaration> OfKind(std::string_view kind) {
  std::vector<Declaration> selected;
  for (const auto& declaration : Declarations()) {
    if (declaration.kind == kind)
      selected.push_back(declaration);
  }
  return selected;
}

/// The words from index `from` on, joined by single spaces.
std::string Rest(const std::vector<std::string>& words, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < words.size(); ++i)
    text += (text.empty() ? "" : " ") + words[i];
  return text;
}

/// "a.b" -> {"a", "b"}.
std::pair<std::string, std::string> SplitQualified(const std::string& name) {
  const auto dot = name.find('.');
  return {name.substr(0, dot), dot == std::string::npos ? "" : name.substr(dot + 1)};
}

/// "(a,b)" -> "a,b".
std::string Unparenthesise(const std::string& text) {
  if (text.size() >= 2 && text.front() == '(' && text.back() == ')')
    return text.substr(1, text.size() - 2);
  return text;
}

/// The specification's spelling of a type, as format_type() spells it.
std::string CatalogType(const std::string& spec_type) {
  static const std::vector<std::pair<std::regex, std::string>> kRenames = {
      {std::regex(R"(^varchar\((\d+)\)$)"), "character varying($1)"},
      {std::regex(R"(^decimal\((\d+),(\d+)\)$)"), "numeric($1,$2)"},
      {std::regex(R"(^timestamptz$)"), "timestamp with time zone"},
  };
  for (const auto& [pattern, replacement] : kRenames) {
    if (std::regex_match(spec_type, pattern))
      return std::regex_replace(spec_type, pattern, replacement);
  }
  return spec_type;
}

/// A default expression from pg_get_expr() without its casts: 'active'::character varying ->
/// 'active', nextval('s'::regclass) -> nextval('s').
std::string WithoutCasts(const std::string& expression) {
  static const std::regex kCast(R"(::[a-z_ ]+(\(\d+(,\d+)?\))?)");
  return std::regex_replace(expression, kCast, "");
}

class SchemaTest : public ::testing::Test {
 protected:
  TestDatabase database_;
  pg::Connection connection_ = database_.Connect();
};

TEST_F(SchemaTest, EveryLineOfTheSpecificationFileIsUnderstood) {
  static const std::map<std::string, std::size_t> kMinimumWords = {
      {"table", 1},        {"view", 1},     {"column", 2},      {"view_column", 1},
      {"column_order", 2}, {"pkey", 2},     {"check", 2},       {"exclusion", 2},
      {"fk", 3},           {"index", 3},    {"partitioned", 2}, {"partition", 3},
      {"trigger", 3},      {"function", 1}, {"sequence", 1},    {"extension", 1},
  };
  ASSERT_GT(Declarations().size(), 100u);
  for (const auto& declaration : Declarations()) {
    const auto known = kMinimumWords.find(declaration.kind);
    if (known == kMinimumWords.end()) {
      ADD_FAILURE() << "unknown kind: " << declaration;
    } else {
      EXPECT_GE(declaration.words.size(), known->second) << "too few words: " << declaration;
    }
  }
}

TEST_F(SchemaTest, EveryDeclaredTableExists) {
  for (const auto& declaration : OfKind("table")) {
    const auto kind = connection_.Execute(
        "SELECT coalesce((SELECT relkind::text FROM pg_class WHERE oid = to_regclass($1)), '')",
        pg::Params(declaration.words[0]));
    const std::string relkind = kind.Single()[0].As<std::string>();
    EXPECT_TRUE(relkind == "r" || relkind == "p")
        << "not a table (relkind '" << relkind << "'): " << declaration;
  }
  for (const auto& declaration : OfKind("view")) {
    const auto exists =
        connection_.Execute("SELECT to_regclass($1) IS NOT NULL", pg::Params(declaration.words[0]));
    EXPECT_TRUE(exists.Single()[0].As<bool>()) << "missing: " << declaration;
  }
}

TEST_F(SchemaTest, EveryDeclaredColumnHasItsTypeNullabilityAndDefault) {
  for (const auto& declaration : OfKind("column")) {
    const auto [table, column] = SplitQualified(declaration.words[0]);
    const std::string rest = Rest(declaration.words, 2);
    const bool not_null = rest.starts_with("not null");
    const auto default_at = rest.find("default ");
    const std::string expected_default =
        default_at == std::string::npos ? "" : rest.substr(default_at + 8);

    const auto found = connection_.Execute(
        "SELECT format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "       coalesce(pg_get_expr(d.adbin, d.adrelid), '') "
        "FROM pg_attribute a "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE a.attrelid = to_regclass($1) AND a.attname = $2 AND a.attnum > 0 "
        "  AND NOT a.attisdropped",
        pg::Params(table, column));
    if (found.RowCount() != 1) {
      ADD_FAILURE() << "missing column: " << declaration;
      continue;
    }
    const auto [type, is_not_null, actual_default] = found[0].As<std::string, bool, std::string>();
    EXPECT_EQ(type, CatalogType(declaration.words[1])) << declaration;
    EXPECT_EQ(is_not_null, not_null) << "nullability differs: " << declaration;
    EXPECT_EQ(WithoutCasts(actual_default), expected_default)
        << "default differs (catalog: " << actual_default << "): " << declaration;
  }
}

TEST_F(SchemaTest, ViewColumnsComeFirstAndInTheSpecificationsOrder) {
  std::map<std::string, std::vector<Declaration>> by_view;
  for (const auto& declaration : OfKind("view_column"))
    by_view[SplitQualified(declaration.words[0]).first].push_back(declaration);
  ASSERT_FALSE(by_view.empty());
  for (const auto& [view, declarations] : by_view) {
    const auto columns = connection_.Execute(
        "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($1) "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        pg::Params(view));
    for (std::size_t i = 0; i < declarations.size(); ++i) {
      const std::string expected = SplitQualified(declarations[i].words[0]).second;
      const std::string actual = static_cast<int>(i) < columns.RowCount()
                                     ? columns[static_cast<int>(i)][0].As<std::string>()
                                     : "<none>";
      EXPECT_EQ(actual, expected) << "column " << i + 1 << " of " << view << ": "
                                  << declarations[i];
    }
  }
}

TEST_F(SchemaTest, DeclaredColumnOrdersAreExact) {
  for (const auto& declaration : OfKind("column_order")) {
    const auto columns = connection_.Execute(
        "SELECT coalesce(string_agg(attname::text, ',' ORDER BY attnum), '') FROM pg_attribute "
        "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
        pg::Params(declaration.words[0]));
    EXPECT_EQ(columns.Single()[0].As<std::string>(), declaration.words[1]) << declaration;
  }
}

TEST_F(SchemaTest, EveryDeclaredPrimaryKeyHasItsColumns) {
  for (const auto& declaration : OfKind("pkey")) {
    const auto columns = connection_.Execute(
        "SELECT coalesce(string_agg(a.attname::text, ',' ORDER BY k.ord), '') "
        "FROM pg_constraint c "
        "CROSS JOIN unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
        "WHERE c.conrelid = to_regclass($1) AND c.contype = 'p'",
        pg::Params(declaration.words[0]));
    EXPECT_EQ(columns.Single()[0].As<std::string>(), Unparenthesise(declaration.words[1]))
        << declaration;
  }
}

TEST_F(SchemaTest, EveryDeclaredCheckAndExclusionConstraintExists) {
  for (const std::string kind : {"check", "exclusion"}) {
    for (const auto& declaration : OfKind(kind)) {
      const auto count = connection_.Execute(
          "SELECT count(*) FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname = $2 "
          "AND contype = $3",
          pg::Params(declaration.words[0], declaration.words[1], kind == "check" ? "c" : "x"));
      EXPECT_EQ(count.Single()[0].As<std::int64_t>(), 1) << "missing: " << declaration;
    }
  }
}

TEST_F(SchemaTest, EveryDeclaredForeignKeyExists) {
  for (const auto& declaration : OfKind("fk")) {
    const auto [table, column] = SplitQualified(declaration.words[0]);
    const auto [referenced_table, referenced_column] = SplitQualified(declaration.words[2]);
    const auto count = connection_.Execute(
        "SELECT count(*) FROM pg_constraint c "
        "WHERE c.contype = 'f' AND c.conrelid = to_regclass($1) AND c.confrelid = to_regclass($3) "
        "  AND c.conkey = ARRAY[(SELECT attnum FROM pg_attribute "
        "                        WHERE attrelid = c.conrelid AND attname = $2)] "
        "  AND c.confkey = ARRAY[(SELECT attnum FROM pg_attribute "
        "                         WHERE attrelid = c.confrelid AND attname = $4)]",
        pg::Params(table, column, referenced_table, referenced_column));
    EXPECT_EQ(count.Single()[0].As<std::int64_t>(), 1) << "missing: " << declaration;
  }
}

TEST_F(SchemaTest, EveryDeclaredIndexHasItsColumnsUniquenessAndPredicate) {
  for (const auto& declaration : OfKind("index")) {
    const auto& words = declaration.words;
    std::size_t next = 2;
    const bool unique = words[next] == "unique";
    if (unique)
      ++next;
    const std::string expected_columns = Unparenthesise(words.at(next++));
    std::string expected_predicate;
    if (next < words.size() && words[next] == "where")
      expected_predicate = "(" + Rest(words, next + 1) + ")";

    const auto found = connection_.Execute(
        "SELECT x.indisunique, coalesce(pg_get_expr(x.indpred, x.indrelid), ''), "
        "       (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) "
        "        FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
        "        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) "
        "FROM pg_index x WHERE x.indexrelid = to_regclass($2) AND x.indrelid = to_regclass($1)",
        pg::Params(words[0], words[1]));
    if (found.RowCount() != 1) {
      ADD_FAILURE() << "missing index: " << declaration;
      continue;
    }
    const auto [is_unique, predicate, columns] = found[0].As<bool, std::string, std::string>();
    EXPECT_EQ(is_unique, unique) << "uniqueness differs: " << declaration;
    EXPECT_EQ(columns, expected_columns) << declaration;
    EXPECT_EQ(predicate, expected_predicate)
        << (expected_predicate.empty() ? "should not be partial: " : "predicate differs: ")
        << declaration;
  }
}

TEST_F(SchemaTest, DeclaredPartitioningHolds) {
  for (const auto& declaration : OfKind("partitioned")) {
    const auto key = connection_.Execute("SELECT coalesce(pg_get_partkeydef(to_regclass($1)), '')",
                                         pg::Params(declaration.words[0]));
    EXPECT_EQ(key.Single()[0].As<std::string>(), Rest(declaration.words, 1)) << declaration;
  }
  for (const auto& declaration : OfKind("partition")) {
    const auto bound = connection_.Execute(
        "SELECT coalesce((SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_class c "
        "                 JOIN pg_inherits i ON i.inhrelid = c.oid "
        "                 WHERE c.oid = to_regclass($2) AND i.inhparent = to_regclass($1)), '')",
        pg::Params(declaration.words[0], declaration.words[1]));
    EXPECT_EQ(bound.Single()[0].As<std::string>(), Rest(declaration.words, 2)) << declaration;
  }
}

TEST_F(SchemaTest, DeclaredTriggersFunctionsSequencesAndExtensionsExist) {
  for (const auto& declaration : OfKind("trigger")) {
    const auto count = connection_.Execute(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = $2 "
        "AND tgfoid = to_regprocedure($3::text || '()') AND NOT tgisinternal",
        pg::Params(declaration.words[0], declaration.words[1], declaration.words[2]));
    EXPECT_EQ(count.Single()[0].As<std::int64_t>(), 1) << "missing: " << declaration;
  }
  for (const auto& declaration : OfKind("function")) {
    const auto exists = connection_.Execute("SELECT to_regprocedure($1) IS NOT NULL",
                                            pg::Params(declaration.words[0]));
    EXPECT_TRUE(exists.Single()[0].As<bool>()) << "missing: " << declaration;
  }
  for (const auto& declaration : OfKind("sequence")) {
    const auto exists = connection_.Execute(
        "SELECT count(*) FROM pg_class WHERE oid = to_regclass($1) AND relkind = 'S'",
        pg::Params(declaration.words[0]));
    EXPECT_EQ(exists.Single()[0].As<std::int64_t>(), 1) << "missing: " << declaration;
  }
  for (const auto& declaration : OfKind("extension")) {
    const auto exists = connection_.Execute("SELECT count(*) FROM pg_extension WHERE extname = $1",
                                            pg::Params(declaration.words[0]));
    EXPECT_EQ(exists.Single()[0].As<std::int64_t>(), 1) << "missing: " << declaration;
  }
}

// ---------------------------------------------------------------------------------------------
// Behaviour
// ---------------------------------------------------------------------------------------------

constexpr const char* kAdvertiser = "00000000-0000-7000-8000-0000000000a1";
constexpr const char* kProduct = "00000000-0000-7000-8000-0000000000b1";
constexpr const char* kOtherProduct = "00000000-0000-7000-8000-0000000000b2";
constexpr const char* kVideo = "00000000-0000-7000-8000-0000000000c1";
constexpr const char* kCampaign = "00000000-0000-7000-8000-0000000000d1";
constexpr const char* kPlacement = "00000000-0000-7000-8000-0000000000e1";

class SchemaBehaviourTest : public SchemaTest {
 protected:
  void SetUp() override {
    connection_.Execute(
        "INSERT INTO advertisers (id, name, contact_email) VALUES ($1, 'Acme', 'ads@acme.test')",
        pg::Params(kAdvertiser));
    connection_.Execute(
        "INSERT INTO products (id, advertiser_id, name, category) VALUES "
        "($1, $3, 'Cola', 'drinks'), ($2, $3, 'Chips', 'snacks')",
        pg::Params(kProduct, kOtherProduct, kAdvertiser));
    connection_.Execute("INSERT INTO videos (id, title, duration) VALUES ($1, 'Clip', 120)",
                        pg::Params(kVideo));
    connection_.Execute(
        "INSERT INTO campaigns (id, advertiser_id, name, budget, start_date, end_date) "
        "VALUES ($1, $2, 'Spring', 1000, '2026-03-01', '2026-06-01')",
        pg::Params(kCampaign, kAdvertiser));
    connection_.Execute(
        "INSERT INTO placements (id, video_id, product_id, start_time, end_time, description) "
        "VALUES ($1, $2, $3, 100, 110, 'intro')",
        pg::Params(kPlacement, kVideo, kProduct));
  }

  /// Inserts an active (unless told) placement of `product` in the video over [start, end).
  void Place(const char* product, int start, int end, const std::string& status = "active") {
    connection_.Execute(
        "INSERT INTO placements (video_id, product_id, start_time, end_time, status) "
        "VALUES ($1, $2, $3, $4, $5)",
        pg::Params(kVideo, product, start, end, status));
  }

  /// The name of the constraint an ExclusionViolation reports, or "" when nothing was thrown.
  std::string ExclusionViolated(const std::function<void()>& statement) {
    try {
      statement();
    } catch (const pg::ExclusionViolation& error) {
      return error.Constraint();
    }
    return "";
  }
};

struct VersionedTable {
  const char* table;
  const char* text_column;  ///< a column a real change can write 'changed' into
};

constexpr VersionedTable kVersionedTables[] = {
    {"advertisers", "name"}, {"campaigns", "name"},         {"products", "name"},
    {"videos", "title"},     {"placements", "description"},
};

TEST_F(SchemaBehaviourTest, VersionBumpsByOneOnARealChangeAndNotOnANoOpUpdate) {
  for (const auto& [table, column] : kVersionedTables) {
    const std::string t(table);
    const std::string c(column);
    const std::string read = "SELECT version, updated_at::text FROM " + t + " ORDER BY id LIMIT 1";
    const auto [version, updated_at] = connection_.Execute(read).Single().As<int, std::string>();
    EXPECT_EQ(version, 1) << t;

    const auto no_op = connection_.Execute("UPDATE " + t + " SET " + c + " = " + c);
    EXPECT_GT(no_op.AffectedRows(), 0) << t << ": a no-op still matches its rows";
    const auto after_no_op = connection_.Execute(read).Single().As<int, std::string>();
    EXPECT_EQ(after_no_op, std::make_tuple(1, updated_at))
        << t << ": a no-op UPDATE changed version or updated_at";

    connection_.Execute("UPDATE " + t + " SET " + c + " = 'changed'");
    const auto [new_version, new_updated_at] =
        connection_.Execute(read).Single().As<int, std::string>();
    EXPECT_EQ(new_version, 2) << t;
    EXPECT_NE(new_updated_at, updated_at) << t;
  }
}

TEST_F(SchemaBehaviourTest, TheDatabaseOwnsVersionWhateverTheStatementWrites) {
  connection_.Execute("UPDATE placements SET version = version + 1, description = 'outro'");
  EXPECT_EQ(connection_.Execute("SELECT version FROM placements").Single()[0].As<int>(), 2);
  connection_.Execute("UPDATE placements SET version = 42");
  EXPECT_EQ(connection_.Execute("SELECT version FROM placements").Single()[0].As<int>(), 2)
      << "writing only version is a no-op";
}

TEST_F(SchemaBehaviourTest, UpdatedAtChangesOnTablesWithoutVersion) {
  connection_.Execute("INSERT INTO validation_runs (video_id) VALUES ($1)", pg::Params(kVideo));
  const std::string read = "SELECT updated_at::text FROM validation_runs";
  const std::string before = connection_.Execute(read).Single()[0].As<std::string>();
  connection_.Execute("UPDATE validation_runs SET status = status");
  EXPECT_EQ(connection_.Execute(read).Single()[0].As<std::string>(), before);
  connection_.Execute("UPDATE validation_runs SET status = 'running', started_at = now()");
  const std::string running = connection_.Execute(read).Single()[0].As<std::string>();
  EXPECT_NE(running, before);
}

TEST_F(SchemaBehaviourTest, EveryColumnOfAValidationRunCountsAsAChange) {
  // Its trigger lists the columns (issues is json, which has no equality operator): a change
  // to each one sets updated_at, a rewrite of the same value does not. A column missing here
  // fails the first check.
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"id", "gen_random_uuid()"},
      {"video_id", "(SELECT id FROM videos WHERE title = 'Other')"},
      {"status", "'failed'"},
      {"started_at", "now() - interval '1 hour'"},
      {"completed_at", "now()"},
      {"issues", "'[{\"issue_type\": \"x\"}]'"},
      {"summary", "'{\"is_valid\": false}'"},
      {"created_at", "now() - interval '2 hours'"},
      {"requested_by", "gen_random_uuid()"},
      {"deleted_at", "now()"},
      {"created_by", "gen_random_uuid()"}};
  std::string listed;
  for (const auto& [column, value] : changes)
    listed += (listed.empty() ? "" : ",") + column;
  EXPECT_EQ(connection_
                .Execute("SELECT string_agg(column_name::text, ',' ORDER BY ordinal_position) FROM "
                         "information_schema.columns WHERE table_name = 'validation_runs' AND "
                         "column_name <> 'updated_at'")
                .Single()[0]
                .As<std::string>(),
            listed);

  connection_.Execute("INSERT INTO videos (title, duration) VALUES ('Other', 60)");
  connection_.Execute("INSERT INTO validation_runs (video_id) VALUES ($1)", pg::Params(kVideo));
  const std::string read = "SELECT updated_at::text FROM validation_runs";
  for (const auto& [column, value] : changes) {
    const std::string before = connection_.Execute(read).Single()[0].As<std::string>();
    connection_.Execute("UPDATE validation_runs SET " + column + " = " + column);
    EXPECT_EQ(connection_.Execute(read).Single()[0].As<std::string>(), before)
        << column << ": rewriting the same value is no change";
    connection_.Execute("UPDATE validation_runs SET " + column + " = " + value);
    EXPECT_NE(connection_.Execute(read).Single()[0].As<std::string>(), before) << column;
  }
}

TEST_F(SchemaBehaviourTest, OverlappingActivePlacementsOfOneProductInOneVideoAreRejected) {
  Place(kProduct, 0, 10);
  EXPECT_EQ(ExclusionViolated([&] { Place(kProduct, 5, 15); }), "excl_placements_active_overlap");
  EXPECT_EQ(ExclusionViolated([&] { Place(kProduct, 2, 3); }), "excl_placements_active_overlap")
      << "a range inside another overlaps it";
}

TEST_F(SchemaBehaviourTest, TouchingRangesOtherProductsDraftsAndDeletedRowsDoNotConflict) {
  Place(kProduct, 0, 10);
  EXPECT_NO_THROW(Place(kProduct, 10, 20)) << "[0,10) and [10,20) only touch";
  EXPECT_NO_THROW(Place(kOtherProduct, 0, 10)) << "another product";
  EXPECT_NO_THROW(Place(kProduct, 5, 15, "draft")) << "a draft";
  EXPECT_NO_THROW(Place(kProduct, 5, 15, "archived")) << "an archived placement";
  connection_.Execute("UPDATE placements SET deleted_at = now() WHERE start_time = 0");
  EXPECT_NO_THROW(Place(kProduct, 0, 5)) << "a deleted placement no longer counts";
}

TEST_F(SchemaBehaviourTest, ActivatingAnOverlappingDraftIsRejected) {
  Place(kProduct, 0, 10);
  Place(kProduct, 5, 15, "draft");
  EXPECT_EQ(ExclusionViolated([&] {
              connection_.Execute("UPDATE placements SET status = 'active' WHERE status = 'draft'");
            }),
            "excl_placements_active_overlap");
}

TEST_F(SchemaBehaviourTest, PlacementDetailsHasTheSpecificationsViewColumnsInOrder) {
  // The specification's view query, verbatim, as a temporary view: the table must start with
  // exactly its columns (names and types, in order), then advertiser_id and updated_at.
  connection_.Execute(R"sql(
      CREATE TEMPORARY VIEW spec_placement_details AS
      SELECT
          p.id,
          p.video_id,
          v.title AS video_title,
          p.product_id,
          pr.name AS product_name,
          pr.category AS product_category,
          a.name AS advertiser_name,
          p.start_time,
          p.end_time,
          p.description,
          p.status,
          p.file_url,
          p.created_at
      FROM placements p
      JOIN videos v ON p.video_id = v.id
      JOIN products pr ON p.product_id = pr.id
      JOIN advertisers a ON pr.advertiser_id = a.id
      WHERE p.deleted_at IS NULL)sql");
  const std::string columns_of =
      "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' "
      "ORDER BY attnum) FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 "
      "AND NOT attisdropped";
  const std::string view = connection_.Execute(columns_of, pg::Params("spec_placement_details"))
                               .Single()[0]
                               .As<std::string>();
  const std::string table = connection_.Execute(columns_of, pg::Params("placement_details"))
                                .Single()[0]
                                .As<std::string>();
  EXPECT_EQ(table, view + ", advertiser_id uuid, updated_at timestamp with time zone");

  // A projection of the view's rows fits the table as is.
  connection_.Execute(
      "INSERT INTO placement_details SELECT s.*, pr.advertiser_id FROM spec_placement_details s "
      "JOIN products pr ON pr.id = s.product_id");
  const auto row = connection_.Execute(
      "SELECT video_title, product_name, advertiser_name, start_time::text FROM placement_details "
      "WHERE id = $1",
      pg::Params(kPlacement));
  const auto projected = row.Single().As<std::string, std::string, std::string, std::string>();
  EXPECT_EQ(projected, std::make_tuple("Clip", "Cola", "Acme", "100.000"));
}

TEST_F(SchemaBehaviourTest, CampaignProductsLinkAndGoWithTheirCampaign) {
  connection_.Execute("INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)",
                      pg::Params(kCampaign, kProduct));
  EXPECT_THROW(
      connection_.Execute("INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)",
                          pg::Params(kCampaign, kProduct)),
      pg::UniqueViolation);
  connection_.Execute("DELETE FROM campaigns WHERE id = $1", pg::Params(kCampaign));
  EXPECT_EQ(
      connection_.Execute("SELECT count(*) FROM campaign_products").Single()[0].As<std::int64_t>(),
      0);
}

}  // namespace
}  // namespace nedlia::testing
