// The migrated schema holds every declaration of tests/schema/specification_schema.txt (the
// specification's tables, columns, constraints and indexes, copied by hand, plus the documented
// corrections and additions). What the catalog cannot show is in schema_behaviour_pgtest.cpp.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace nedlia::testing
