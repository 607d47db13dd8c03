#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/script_directory.hpp"
#include "pg/connection.hpp"

namespace nedlia::migrate {

/// A request the migrator refuses (unknown target, multiple heads, database ahead of files).
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Direction { kUp, kDown };

struct MigrationStep {
  const MigrationScript* script;
  Direction direction;
};

/// Called before each step runs, to report progress.
using StepObserver = std::function<void(const MigrationStep&)>;

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

  /// The steps Upgrade/Downgrade would run from `current`, without running them.
  std::vector<MigrationStep> PlanUpgrade(const RevisionSet& current, std::string_view target) const;
  std::vector<MigrationStep> PlanDowngrade(const RevisionSet& current,
                                           std::string_view target) const;

 private:
  std::vector<MigrationStep> Run(Direction direction, std::string_view target,
                                 const StepObserver& observe);
  std::vector<MigrationStep> LinearSteps(const RevisionSet& current, int count,
                                         Direction direction) const;
  void Apply(const MigrationStep& step, RevisionSet& applied);
  RevisionSet ReadVersionTable();

  pg::Connection& connection_;
  const ScriptDirectory& scripts_;
};

}  // namespace nedlia::migrate
