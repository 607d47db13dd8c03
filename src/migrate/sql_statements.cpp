#include "migrate/sql_statements.hpp"

#include <pg_query.h>

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

namespace nedlia::migrate {
namespace {

/// The byte offset of a 1-based character position (PostgreSQL counts error positions in
/// characters).
std::size_t ByteOffsetOf(std::string_view text, int position) {
  int characters = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++characters == position)
      return i;
  }
  return text.size();
}

}  // namespace

ParsedSql::ParsedSql(std::string_view sql) : sql_(sql) {
  const PgQueryParseResult result = pg_query_parse(sql_.c_str());
  const std::unique_ptr<const PgQueryParseResult, void (*)(const PgQueryParseResult*)> owned(
      &result, [](const PgQueryParseResult* parsed) { pg_query_free_parse_result(*parsed); });
  if (result.error != nullptr) {
    throw SqlSyntaxError(result.error->message, ByteOffsetOf(sql_, result.error->cursorpos));
  }
  auto tree = std::make_unique<nlohmann::json>(nlohmann::json::parse(result.parse_tree));
  // Pointers into the tree outlive this loop: iterate the tree itself, never a copy (value()).
  static const nlohmann::json kNone;
  const auto found = tree->find("stmts");
  const nlohmann::json& stmts = found == tree->end() ? kNone : *found;
  for (const nlohmann::json& raw : stmts) {
    const nlohmann::json& stmt = raw.at("stmt");
    SqlStatement statement;
    statement.kind = stmt.begin().key();
    statement.node = &stmt.begin().value();
    statement.offset = raw.value("stmt_location", std::size_t{0});
    // stmt_len 0 means "to the end" (the last statement without a semicolon).
    const std::size_t length = raw.value("stmt_len", std::size_t{0});
    statement.length = length == 0 ? sql_.size() - statement.offset : length;
    statements_.push_back(std::move(statement));
  }
  tree_ = std::move(tree);
}

ParsedSql::~ParsedSql() = default;

std::string_view ParsedSql::Text(const SqlStatement& statement) const {
  return std::string_view(sql_).substr(statement.offset, statement.length);
}

int LineAt(std::string_view text, std::size_t offset, int first_line) {
  const std::size_t end = std::min(offset, text.size());
  return first_line + static_cast<int>(std::count(text.begin(), text.begin() + end, '\n'));
}

}  // namespace nedlia::migrate
