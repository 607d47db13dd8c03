#include "migrate/release_fit.hpp"

#include <algorithm>
#include <iterator>

#include "migrate/migrator.hpp"
#include "migrate/version_table.hpp"

namespace nedlia::migrate {
namespace {

bool Includes(const RevisionSet& all, const RevisionSet& part) {
  return std::includes(all.begin(), all.end(), part.begin(), part.end());
}

RevisionSet Minus(const RevisionSet& all, const RevisionSet& part) {
  RevisionSet rest;
  std::set_difference(all.begin(), all.end(), part.begin(), part.end(),
                      std::inserter(rest, rest.end()));
  return rest;
}

// "revision message" entries for migrations this release does not have.
std::string BreakingUnknownTo(const StoredVersion& stored, const ScriptDirectory& scripts) {
  std::string named;
  for (const std::string& entry : stored.breaking) {
    const std::string revision = entry.substr(0, entry.find(' '));
    if (scripts.Contains(revision))
      continue;
    const std::string message = entry.size() > revision.size() + 1
                                    ? " (" + entry.substr(revision.size() + 1) + ")"
                                    : std::string();
    named += (named.empty() ? "" : ", ") + revision + message;
  }
  return named;
}

void RefuseBehind(const RevisionSet& at, const RevisionSet& head) {
  throw MigrationError("the database schema is at " + JoinRevisions(at) +
                       ", behind this release's " + JoinRevisions(head) +
                       ": run `nedlia migrate upgrade head` first");
}

}  // namespace

ReleaseFit CheckReleaseFits(pg::Connection& connection, const ScriptDirectory& scripts) {
  const StoredVersion stored = ReadVersionTable(connection);
  const RevisionSet head = scripts.Heads();
  const RevisionSet mine = scripts.Ancestors(head);
  RevisionSet unknown;
  for (const std::string& revision : stored.heads) {
    if (!scripts.Contains(revision))
      unknown.insert(revision);
  }
  if (unknown.empty()) {
    const RevisionSet applied = scripts.Ancestors(stored.heads);
    if (applied != mine)
      RefuseBehind(stored.heads, head);
    return {};
  }
  if (!stored.complete) {
    throw MigrationError("the database schema is at " + JoinRevisions(unknown) +
                         ", which this release does not know, and its version table does not "
                         "list what is applied (a migrator from before that list wrote it): run "
                         "`nedlia migrate upgrade head` with the release that has it, then start "
                         "this one again");
  }
  if (!Includes(stored.applied, mine)) {
    throw MigrationError("the database schema (" + JoinRevisions(stored.heads) +
                         ") does not contain this release's " + JoinRevisions(head) +
                         ": it is behind it or on another branch of the migrations");
  }
  const std::string breaking = BreakingUnknownTo(stored, scripts);
  if (!breaking.empty()) {
    throw MigrationError("the database has migration " + breaking +
                         ", which breaks releases before it: this release (at " +
                         JoinRevisions(head) +
                         ") cannot run on it; deploy a release that has it, or migrate the "
                         "database down below it with that release");
  }
  return {.newer = Minus(stored.applied, mine)};
}

}  // namespace nedlia::migrate
