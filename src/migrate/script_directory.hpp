#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/migration_script.hpp"

namespace nedlia::migrate {

using RevisionSet = std::set<std::string>;

/// Every migration under one directory, as a graph: each revision points at its parent(s).
/// Loading checks the graph is whole: unique revisions, known parents, no cycles.
class ScriptDirectory {
 public:
  /// Reads every *.sql file in dir; throws ScriptError naming the offending file.
  static ScriptDirectory Load(const std::filesystem::path& dir);

  const std::filesystem::path& Dir() const { return dir_; }
  bool Empty() const { return scripts_.empty(); }
  bool Contains(std::string_view revision) const {
    return scripts_.contains(std::string(revision));
  }
  /// The script of a revision, or of the only revision starting with the given prefix;
  /// throws ScriptError when there is none or more than one.
  const MigrationScript& Resolve(std::string_view revision_or_prefix) const;

  /// Revisions no other revision descends from (one in a linear history).
  RevisionSet Heads() const;
  /// The revision itself and everything it descends from.
  RevisionSet Ancestors(const RevisionSet& revisions) const;
  /// All scripts ordered so that a parent always comes before its children.
  std::vector<const MigrationScript*> TopologicalOrder() const;
  /// Revisions whose parents include `revision`; with an empty string, the base revisions.
  RevisionSet Children(const std::string& revision) const;
  /// The heads of a set of applied revisions (the members no other member descends from).
  RevisionSet HeadsOf(const RevisionSet& applied) const;

 private:
  std::filesystem::path dir_;
  std::map<std::string, MigrationScript> scripts_;
};

}  // namespace nedlia::migrate
