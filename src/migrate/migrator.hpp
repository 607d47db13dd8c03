#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/script_directory.hpp"
#include "migrate/version_table.hpp"
#include "pg/connection.hpp"

namespace nedlia::migrate {

/// A request the migrator refuses (unknown target, multiple heads, database ahead of files).
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Direction { kUp, kDown };

/// The revisions a named target stands for: "head" (refused when there are several),
/// "heads", "base" (none), or a revision or unique prefix.
RevisionSet ResolveTarget(const ScriptDirectory& scripts, std::string_view target);

/// "a, b" or "base".
std::string JoinRevisions(const RevisionSet& revisions);

struct MigrationStep {
  const MigrationScript* script;
  Direction direction;
};

/// Called before each step runs, to report progress.
using StepObserver = std::function<void(const MigrationStep&)>;

/// The steps an upgrade to `target` ("head", "heads", a revision or unique prefix, "+N") runs
/// from `current` (the heads applied), and those of a downgrade ("base", a revision, "-N").
std::vector<MigrationStep> PlanUpgrade(const ScriptDirectory& scripts, const RevisionSet& current,
                                       std::string_view target);
std::vector<MigrationStep> PlanDowngrade(const ScriptDirectory& scripts, const RevisionSet& current,
                                         std::string_view target);

/// Moves a database between revisions of a ScriptDirectory. The revision(s) the database is
/// at live in the table nedlia_schema_version. A session advisory lock makes concurrent
/// migrators take turns, and each step runs in its own transaction together with the update
/// of the version table, so the table never claims a revision whose transaction did not commit.
class Migrator {
 public:
  Migrator(pg::Connection& connection, const ScriptDirectory& scripts)
      : connection_(connection), scripts_(scripts) {}

  /// The revisions the database is at (empty at base); refuses revisions no file knows.
  RevisionSet Current();
  /// Applies migrations up to target: "head", "heads", a revision (or unique prefix), "+N".
  std::vector<MigrationStep> Upgrade(std::string_view target, const StepObserver& observe = {});
  /// Reverts migrations down to target: "base", a revision (or unique prefix), "-N".
  std::vector<MigrationStep> Downgrade(std::string_view target, const StepObserver& observe = {});

  /// Records `target` (see ResolveTarget) as the database's revision without running any
  /// migration, for a database whose schema is known to be there already; returns it. A
  /// database at a revision no file knows is refused unless `purge`.
  RevisionSet Stamp(std::string_view target, bool purge = false);

 private:
  std::vector<MigrationStep> Run(Direction direction, std::string_view target,
                                 const StepObserver& observe);
  void Apply(const MigrationStep& step, RevisionSet& applied);
  /// Writes the applied list into a version table an older migrator left without it.
  void CompleteVersionTable(const RevisionSet& applied);

  pg::Connection& connection_;
  const ScriptDirectory& scripts_;
};

}  // namespace nedlia::migrate
