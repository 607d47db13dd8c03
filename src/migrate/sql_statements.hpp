#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace nedlia::migrate {

/// SQL that PostgreSQL's grammar rejects; `offset` is the byte where the parser stopped.
class SqlSyntaxError : public std::runtime_error {
 public:
  SqlSyntaxError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t Offset() const { return offset_; }

 private:
  std::size_t offset_;
};

/// One statement of a script, as PostgreSQL's parser (libpg_query) sees it.
struct SqlStatement {
  std::string kind;        ///< the parse node's name: "IndexStmt", "AlterTableStmt", ...
  std::size_t offset = 0;  ///< where its text starts (comments before it included), in bytes
  std::size_t length = 0;  ///< its text's length, up to and without its semicolon
  const nlohmann::json* node = nullptr;  ///< the node's fields, owned by the ParsedSql
};

/// A script parsed with PostgreSQL's own grammar (PL/pgSQL bodies stay strings).
class ParsedSql {
 public:
  /// Throws SqlSyntaxError.
  explicit ParsedSql(std::string_view sql);
  ParsedSql(const ParsedSql&) = delete;
  ParsedSql& operator=(const ParsedSql&) = delete;
  ~ParsedSql();

  const std::vector<SqlStatement>& Statements() const { return statements_; }
  /// A statement's text, comments before it included.
  std::string_view Text(const SqlStatement& statement) const;

 private:
  std::string sql_;
  std::unique_ptr<nlohmann::json> tree_;  ///< statements_ point into it
  std::vector<SqlStatement> statements_;
};

/// The 1-based line of `offset` in `text`, counting from `first_line`.
int LineAt(std::string_view text, std::size_t offset, int first_line);

}  // namespace nedlia::migrate
