// Migration files (migrations/*.sql, and whatever `nedlia migrate` is pointed at): the header
// and the +up/+down parts, then the SQL through PostgreSQL's own grammar (libpg_query) and the
// unsafe-operation lint. A script that parses must render back to the same script.
#include "migrate/migration_script.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "migrate/lint.hpp"
#include "migrate/sql_statements.hpp"

namespace nedlia::fuzz {
namespace {

using migrate::MigrationScript;
using migrate::ScriptError;

constexpr std::string_view kPath = "migrations/0123456789ab_fuzz.sql";

/// "path:LINE: ..." with LINE within the file (or the line after its last).
void CheckLocation(std::string_view where, int lines) {
  Check(where.starts_with(std::string(kPath) + ":"), "a problem names the file");
  const std::string_view rest = where.substr(kPath.size() + 1);
  int line = 0;
  for (const char c : rest.substr(0, rest.find(':'))) {
    Check(c >= '0' && c <= '9', "a problem names a line number");
    line = line * 10 + (c - '0');
    Check(line <= lines + 1, "a problem's line is in the file");
  }
  Check(line >= 1, "lines count from 1");
}

void CheckRendered(const MigrationScript& script) {
  const std::string text = migrate::RenderMigrationScript(script);
  const MigrationScript again =
      ParseOr<ScriptError>([&] { return migrate::ParseMigrationScript(kPath, text); },
                           [](const ScriptError& error) {
                             Fail(std::string("a rendered script is refused: ") + error.what());
                           })
          .value();
  // Rendering puts an empty line between the up part and the +down marker.
  Check(again.revision == script.revision && again.down_revisions == script.down_revisions &&
            again.message == script.message && again.created == script.created &&
            again.transactional == script.transactional && again.up_sql == script.up_sql + "\n" &&
            again.down_sql == script.down_sql,
        "a script renders back to itself");
}

void CheckSql(const MigrationScript& script, int lines) {
  const bool valid = ParseOr<ScriptError>(
                         [&] {
                           migrate::CheckSqlSyntax(script);
                           return true;
                         },
                         [&](const ScriptError& error) { CheckLocation(error.what(), lines); })
                         .has_value();
  if (!valid)
    return;
  const migrate::ParsedSql parsed(script.up_sql);
  for (const migrate::SqlStatement& statement : parsed.Statements()) {
    Check(statement.offset + statement.length <= script.up_sql.size(),
          "a statement is in its text");
    Check(!statement.kind.empty() && statement.node != nullptr, "a statement has a parse tree");
  }
  for (const migrate::LintFinding& finding : migrate::LintMigration(script)) {
    Check(!finding.rule.empty() && !finding.message.empty(), "a finding says what and why");
    CheckLocation(finding.location + ":", lines);
  }
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string_view text = AsText(data, size);
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  const auto script =
      ParseOr<ScriptError>([&] { return nedlia::migrate::ParseMigrationScript(kPath, text); },
                           [&](const ScriptError& error) { CheckLocation(error.what(), lines); });
  if (!script)
    return 0;
  Check(nedlia::migrate::IsValidRevisionId(script->revision), "a script has a revision id");
  for (const std::string& parent : script->down_revisions)
    Check(nedlia::migrate::IsValidRevisionId(parent), "its parents are revision ids");
  CheckRendered(*script);
  CheckSql(*script, lines);
  return 0;
}
