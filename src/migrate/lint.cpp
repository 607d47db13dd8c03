#include "migrate/lint.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "migrate/sql_statements.hpp"

namespace nedlia::migrate {
namespace {

using nlohmann::json;

constexpr const char* kIndexNotConcurrent = "index-not-concurrent";
constexpr const char* kNotNullWithoutDefault = "not-null-without-default";
constexpr const char* kTableRewrite = "table-rewrite";
constexpr const char* kConstraintNotValid = "constraint-not-valid";
constexpr const char* kDropAndReplace = "drop-and-replace";
constexpr const char* kUndeclaredBreak = "undeclared-break";
constexpr const char* kLockTimeout = "lock-timeout";
constexpr const char* kAllowWithoutReason = "allow-without-reason";

// Functions whose value differs per row: a column added with one as its default is written
// into every existing row, which rewrites the table.
const std::set<std::string> kVolatileDefaults = {
    "random", "gen_random_uuid", "uuid_generate_v4", "clock_timestamp", "timeofday", "nextval"};

/// A field of a parse node, or null (which iterates as empty): a reference into the node, never
/// a copy, so that pointers taken into it stay valid.
const json& Field(const json& node, const char* key) {
  static const json kNone;
  const auto it = node.find(key);
  return it == node.end() ? kNone : *it;
}

std::string Relation(const json& node) {
  return node.contains("relation") ? node["relation"].value("relname", "") : "";
}

std::vector<const json*> ColumnConstraints(const json& column_def) {
  std::vector<const json*> constraints;
  for (const json& item : Field(column_def, "constraints"))
    constraints.push_back(&item.at("Constraint"));
  return constraints;
}

bool HasConstraint(const json& column_def, std::string_view type) {
  for (const json* constraint : ColumnConstraints(column_def)) {
    if (constraint->value("contype", "") == type)
      return true;
  }
  return false;
}

/// The name of the function a default expression calls at its top, if any.
std::string CalledFunction(const json& expression) {
  if (!expression.contains("FuncCall"))
    return "";
  const json& names = Field(Field(expression, "FuncCall"), "funcname");
  return names.empty() ? "" : names.back().at("String").value("sval", "");
}

bool HasVolatileDefault(const json& column_def) {
  for (const json* constraint : ColumnConstraints(column_def)) {
    if (constraint->value("contype", "") == "CONSTR_DEFAULT" &&
        kVolatileDefaults.contains(CalledFunction(Field(*constraint, "raw_expr"))))
      return true;
  }
  return false;
}

/// A FOREIGN KEY or CHECK that is validated as it is added (no NOT VALID).
bool ValidatedOnAdd(const json& constraint) {
  const std::string type = constraint.value("contype", "");
  if (type == "CONSTR_FOREIGN")
    return !constraint.value("skip_validation", false);
  if (type == "CONSTR_CHECK")
    return constraint.value("initially_valid", false);
  return false;
}

/// Statements that lock a table that may be in use, until they finish.
bool TakesTableLock(const json& node, const std::string& kind) {
  static const std::set<std::string> kLocking = {"AlterTableStmt", "IndexStmt", "RenameStmt",
                                                 "CreateTrigStmt", "TruncateStmt"};
  static const std::set<std::string> kDropped = {"OBJECT_TABLE", "OBJECT_INDEX", "OBJECT_TRIGGER"};
  if (kind == "DropStmt")
    return kDropped.contains(node.value("removeType", ""));
  return kLocking.contains(kind);
}

struct Allowance {
  std::string rule;
  std::string reason;
};

/// The "-- lint: allow RULE: reason" comments in a text.
std::vector<Allowance> AllowancesIn(std::string_view text) {
  static const std::regex kPattern(R"(--\s*lint:\s*allow\s+([a-z-]+)\s*(?::\s*(.*\S))?\s*$)",
                                   std::regex::multiline);
  std::vector<Allowance> allowances;
  const std::string copy(text);
  for (std::sregex_iterator it(copy.begin(), copy.end(), kPattern), end; it != end; ++it)
    allowances.push_back({(*it)[1].str(), (*it)[2].str()});
  return allowances;
}

class Linter {
 public:
  explicit Linter(const MigrationScript& script) : script_(script), parsed_(script.up_sql) {}

  std::vector<LintFinding> Run() {
    for (const SqlStatement& statement : parsed_.Statements()) {
      if (statement.kind == "CreateStmt")
        created_.insert(Relation(*statement.node));
    }
    for (const SqlStatement& statement : parsed_.Statements())
      Visit(statement);
    ReportDropsWithReplacements();
    return std::move(findings_);
  }

 private:
  void Visit(const SqlStatement& statement) {
    const json& node = *statement.node;
    if (statement.kind == "VariableSetStmt" && node.value("name", "") == "lock_timeout")
      lock_timeout_set_ = true;
    if (!IsLive(Relation(node)) && statement.kind != "DropStmt")
      return;
    if (TakesTableLock(node, statement.kind) && !lock_timeout_set_ && !lock_timeout_reported_) {
      lock_timeout_reported_ = true;
      Report(statement, kLockTimeout,
             "this statement waits for a lock on a live table with no lock_timeout set, and "
             "every query on that table queues behind it meanwhile; begin the migration with "
             "SET lock_timeout = '5s' (and retry the deploy if it times out)");
    }
    if (statement.kind == "IndexStmt") {
      VisitIndex(statement);
    } else if (statement.kind == "AlterTableStmt") {
      VisitAlterTable(statement);
    } else if (statement.kind == "DropStmt") {
      VisitDrop(statement);
    } else if (statement.kind == "RenameStmt") {
      VisitRename(statement);
    }
  }

  void VisitIndex(const SqlStatement& statement) {
    if (statement.node->value("concurrent", false))
      return;
    Report(statement, kIndexNotConcurrent,
           "CREATE INDEX on the live table " + Relation(*statement.node) +
               " blocks its writes until the index is built; write CREATE INDEX CONCURRENTLY, "
               "in a migration with '-- transactional: false' (and DROP INDEX CONCURRENTLY IF "
               "EXISTS before it, so that a rerun after a failure starts clean)");
  }

  void VisitAlterTable(const SqlStatement& statement) {
    const std::string table = Relation(*statement.node);
    for (const json& item : Field(*statement.node, "cmds")) {
      const json& command = item.at("AlterTableCmd");
      const std::string subtype = command.value("subtype", "");
      const json& definition = Field(command, "def");
      if (subtype == "AT_AddColumn") {
        VisitAddColumn(statement, table, Field(definition, "ColumnDef"));
      } else if (subtype == "AT_AlterColumnType") {
        ReportRewrite(statement, table, command.value("name", ""));
      } else if (subtype == "AT_AddConstraint") {
        VisitAddConstraint(statement, table, Field(definition, "Constraint"));
      } else if (subtype == "AT_DropColumn") {
        VisitDropColumn(statement, table, command.value("name", ""));
      }
    }
  }

  void VisitDropColumn(const SqlStatement& statement, const std::string& table,
                       const std::string& column) {
    dropped_columns_[table].push_back({&statement, column});
    ReportUndeclaredBreak(statement, "column " + column + " of " + table + " is dropped");
  }

  void VisitAddColumn(const SqlStatement& statement, const std::string& table, const json& column) {
    const std::string name = column.value("colname", "");
    added_columns_.insert(table);
    if (HasConstraint(column, "CONSTR_NOTNULL") && !HasConstraint(column, "CONSTR_DEFAULT")) {
      Report(statement, kNotNullWithoutDefault,
             "ADD COLUMN " + name + " NOT NULL without a default fails as soon as " + table +
                 " has a row; add it with a DEFAULT (a constant one costs no rewrite), or "
                 "nullable, backfill it in batches, then add CHECK (" +
                 name + " IS NOT NULL) NOT VALID, VALIDATE it and SET NOT NULL");
    }
    if (HasVolatileDefault(column)) {
      Report(statement, kTableRewrite,
             "ADD COLUMN " + name +
                 " with a volatile DEFAULT writes a value into every row: " + table +
                 " is rewritten under an ACCESS EXCLUSIVE lock; add the column without it, "
                 "then set the default and backfill the old rows in batches");
    }
    for (const json* constraint : ColumnConstraints(column)) {
      if (ValidatedOnAdd(*constraint))
        ReportValidation(statement, table, *constraint);
    }
  }

  void VisitAddConstraint(const SqlStatement& statement, const std::string& table,
                          const json& constraint) {
    if (ValidatedOnAdd(constraint))
      ReportValidation(statement, table, constraint);
  }

  void VisitDrop(const SqlStatement& statement) {
    if (statement.node->value("removeType", "") != "OBJECT_TABLE")
      return;
    for (const json& object : Field(*statement.node, "objects")) {
      const json& items = Field(Field(object, "List"), "items");
      if (items.empty())
        continue;
      const std::string table = items.back().at("String").value("sval", "");
      dropped_tables_.push_back({&statement, table});
      if (IsLive(table))
        ReportUndeclaredBreak(statement, "table " + table + " is dropped");
    }
  }

  void VisitRename(const SqlStatement& statement) {
    const std::string type = statement.node->value("renameType", "");
    if (type != "OBJECT_COLUMN" && type != "OBJECT_TABLE")
      return;
    ReportUndeclaredBreak(
        statement, std::string(type == "OBJECT_TABLE" ? "a table" : "a column") + " is renamed");
    Report(statement, kDropAndReplace,
           "renaming " + std::string(type == "OBJECT_TABLE" ? "table " : "column ") +
               (type == "OBJECT_TABLE" ? Relation(*statement.node)
                                       : statement.node->value("subname", "")) +
               " drops the name the running application uses and adds its replacement at once; "
               "expand-contract instead: add the new one, copy the data in batches, switch the "
               "application, and drop the old one in a later release");
  }

  // A contract step: the release before this migration still uses what it removes, so it must
  // say so in its header, which the version table records and that release reads at start.
  void ReportUndeclaredBreak(const SqlStatement& statement, const std::string& what) {
    if (script_.breaks_earlier_releases)
      return;
    Report(statement, kUndeclaredBreak,
           what +
               ", which the release before this migration may still use (a rolling deploy runs "
               "it on this schema): declare '-- breaks: " +
               std::string(kBreaksEarlierReleases) +
               "' in the header, so that releases before it refuse to start on it");
  }

  void ReportRewrite(const SqlStatement& statement, const std::string& table,
                     const std::string& column) {
    Report(statement, kTableRewrite,
           "ALTER COLUMN " + column + " TYPE rewrites " + table +
               " and its indexes under an ACCESS EXCLUSIVE lock (unless the change is "
               "binary-coercible, such as varchar(n) to text or to a longer varchar: then allow "
               "it); add a column of the new type, backfill it in batches and switch to it "
               "(expand-contract)");
  }

  void ReportValidation(const SqlStatement& statement, const std::string& table,
                        const json& constraint) {
    const bool foreign = constraint.value("contype", "") == "CONSTR_FOREIGN";
    Report(statement, kConstraintNotValid,
           std::string(foreign ? "a FOREIGN KEY" : "a CHECK") + " added to the live table " +
               table +
               " is validated at once, scanning it while its writes wait; add it NOT VALID, "
               "then ALTER TABLE ... VALIDATE CONSTRAINT in a later statement (which lets "
               "writes through)");
  }

  void ReportDropsWithReplacements() {
    for (const auto& [table, drops] : dropped_columns_) {
      if (!added_columns_.contains(table))
        continue;
      for (const auto& [statement, column] : drops) {
        Report(*statement, kDropAndReplace,
               "column " + column + " of " + table +
                   " is dropped in the migration that adds columns to the table: the "
                   "application running during the deploy still reads it; add the "
                   "replacement in one release and drop the old column in a later one");
      }
    }
    if (created_.empty())
      return;
    for (const auto& [statement, table] : dropped_tables_) {
      Report(*statement, kDropAndReplace,
             "table " + table +
                 " is dropped in the migration that creates tables: the application running "
                 "during the deploy still reads it; create the replacement in one release and "
                 "drop the old table in a later one");
    }
  }

  bool IsLive(const std::string& table) const {
    return !table.empty() && !created_.contains(table);
  }

  void Report(const SqlStatement& statement, const std::string& rule, const std::string& message) {
    const std::string location =
        script_.path.string() + ":" +
        std::to_string(LineAt(script_.up_sql, FirstLineOf(statement), script_.up_first_line));
    const std::string_view scope =
        rule == kLockTimeout ? std::string_view(script_.up_sql) : parsed_.Text(statement);
    for (const Allowance& allowance : AllowancesIn(scope)) {
      if (allowance.rule != rule)
        continue;
      if (allowance.reason.empty()) {
        findings_.push_back({kAllowWithoutReason, location,
                             "'-- lint: allow " + rule + "' needs a reason: '-- lint: allow " +
                                 rule + ": why it is safe here'"});
      }
      return;
    }
    findings_.push_back({rule, location, message});
  }

  /// Where the statement's own text starts, past the blank lines and comments before it.
  std::size_t FirstLineOf(const SqlStatement& statement) const {
    const std::string_view text = parsed_.Text(statement);
    std::size_t at = 0;
    while (at < text.size()) {
      const std::size_t line_end = std::min(text.find('\n', at), text.size());
      const std::string_view line = text.substr(at, line_end - at);
      const std::size_t first = line.find_first_not_of(" \t\r");
      if (first != std::string_view::npos && !line.substr(first).starts_with("--"))
        return statement.offset + at + first;
      at = line_end + 1;
    }
    return statement.offset;
  }

  const MigrationScript& script_;
  ParsedSql parsed_;
  std::set<std::string> created_;
  std::set<std::string> added_columns_;
  std::map<std::string, std::vector<std::pair<const SqlStatement*, std::string>>> dropped_columns_;
  std::vector<std::pair<const SqlStatement*, std::string>> dropped_tables_;
  bool lock_timeout_set_ = false;
  bool lock_timeout_reported_ = false;
  std::vector<LintFinding> findings_;
};

}  // namespace

const std::vector<LintRule>& LintRules() {
  static const std::vector<LintRule> kRules = {
      {kIndexNotConcurrent, "CREATE INDEX without CONCURRENTLY on a live table"},
      {kNotNullWithoutDefault, "a NOT NULL column added without a default"},
      {kTableRewrite, "a type change, or a column with a volatile default, that rewrites a table"},
      {kConstraintNotValid, "a FOREIGN KEY or CHECK added without NOT VALID"},
      {kDropAndReplace,
       "a column or table dropped (or renamed) in the migration that adds its replacement"},
      {kLockTimeout, "a live table locked with no lock_timeout set"},
      {kUndeclaredBreak,
       "a live table or column dropped or renamed by a migration without '-- breaks:'"},
  };
  return kRules;
}

std::vector<LintFinding> LintMigration(const MigrationScript& script) {
  return Linter(script).Run();
}

bool DropsWhatEarlierReleasesUse(const std::string& up_sql) {
  MigrationScript draft;
  draft.path = "draft.sql";
  draft.up_sql = up_sql;
  const auto findings = LintMigration(draft);
  return std::any_of(findings.begin(), findings.end(),
                     [](const LintFinding& finding) { return finding.rule == kUndeclaredBreak; });
}

std::vector<LintFinding> LintMigrations(const ScriptDirectory& scripts) {
  std::vector<LintFinding> findings;
  for (const MigrationScript* script : scripts.TopologicalOrder()) {
    for (LintFinding& finding : LintMigration(*script))
      findings.push_back(std::move(finding));
  }
  return findings;
}

}  // namespace nedlia::migrate
