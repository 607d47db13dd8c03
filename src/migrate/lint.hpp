#pragma once

#include <string>
#include <vector>

#include "migrate/script_directory.hpp"

namespace nedlia::migrate {

/// An operation that is unsafe on a live database, with why and how to write it safely.
struct LintFinding {
  std::string rule;      ///< e.g. "index-not-concurrent"
  std::string location;  ///< path:line of the statement
  std::string message;
};

/// The rules, each with a one-line summary (for the README and `check`'s help).
struct LintRule {
  const char* name;
  const char* summary;
};
const std::vector<LintRule>& LintRules();

/// Lints the up part of one migration. A table it creates itself counts as new (nothing waits
/// on it, it has no rows); every other table is taken to be live. A statement opts out of a
/// rule with a comment inside it or just before it: "-- lint: allow RULE: reason" (the reason
/// is required); a rule that concerns the whole migration (lock-timeout) is allowed anywhere
/// in its up part.
std::vector<LintFinding> LintMigration(const MigrationScript& script);

/// True when the up part drops or renames a table or column the migration did not create: what
/// the release before it may still use (the lint's undeclared-break, whatever the header says).
bool DropsWhatEarlierReleasesUse(const std::string& up_sql);

/// Every migration of the directory, in history order.
std::vector<LintFinding> LintMigrations(const ScriptDirectory& scripts);

}  // namespace nedlia::migrate
