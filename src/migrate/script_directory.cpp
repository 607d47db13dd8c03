#include "migrate/script_directory.hpp"

#include <algorithm>

namespace nedlia::migrate {

ScriptDirectory ScriptDirectory::Load(const std::filesystem::path& dir) {
  ScriptDirectory directory;
  directory.dir_ = dir;
  if (!std::filesystem::is_directory(dir)) {
    throw ScriptError(dir.string() +
                      ": migrations directory not found (set NEDLIA_MIGRATIONS_DIR)");
  }
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".sql")
      continue;
    MigrationScript script = ParseMigrationScript(entry.path(), ReadSqlFile(entry.path()));
    CheckSqlSyntax(script);  // before anything runs: a bad file anywhere stops them all
    const std::string revision = script.revision;
    auto [existing, inserted] = directory.scripts_.emplace(revision, std::move(script));
    if (!inserted) {
      throw ScriptError(entry.path().string() + ": revision " + revision + " is also used by " +
                        existing->second.path.string());
    }
  }
  for (const auto& [revision, script] : directory.scripts_) {
    for (const auto& parent : script.down_revisions) {
      if (!directory.scripts_.contains(parent)) {
        throw ScriptError(script.path.string() + ": down_revision " + parent +
                          " matches no migration");
      }
    }
  }
  directory.TopologicalOrder();  // throws on a cycle
  return directory;
}

const MigrationScript& ScriptDirectory::Resolve(std::string_view revision_or_prefix) const {
  if (auto exact = scripts_.find(std::string(revision_or_prefix)); exact != scripts_.end()) {
    return exact->second;
  }
  const MigrationScript* found = nullptr;
  for (const auto& [revision, script] : scripts_) {
    if (revision_or_prefix.empty() || !revision.starts_with(revision_or_prefix))
      continue;
    if (found != nullptr) {
      throw ScriptError("revision prefix '" + std::string(revision_or_prefix) +
                        "' is ambiguous: " + found->revision + ", " + revision);
    }
    found = &script;
  }
  if (found == nullptr) {
    throw ScriptError("no migration has revision '" + std::string(revision_or_prefix) + "' in " +
                      dir_.string());
  }
  return *found;
}

RevisionSet ScriptDirectory::Heads() const {
  RevisionSet all;
  for (const auto& [revision, script] : scripts_)
    all.insert(revision);
  return HeadsOf(all);
}

RevisionSet ScriptDirectory::HeadsOf(const RevisionSet& applied) const {
  RevisionSet heads = applied;
  for (const auto& revision : applied) {
    for (const auto& parent : scripts_.at(revision).down_revisions)
      heads.erase(parent);
  }
  // A parent may be covered transitively (a merge); keep only true heads.
  for (const auto& revision : RevisionSet(heads)) {
    RevisionSet others = heads;
    others.erase(revision);
    RevisionSet below = Ancestors(others);
    if (below.contains(revision))
      heads.erase(revision);
  }
  return heads;
}

RevisionSet ScriptDirectory::Children(const std::string& revision) const {
  RevisionSet children;
  for (const auto& [candidate, script] : scripts_) {
    const auto& parents = script.down_revisions;
    const bool is_child =
        revision.empty() ? parents.empty()
                         : std::find(parents.begin(), parents.end(), revision) != parents.end();
    if (is_child)
      children.insert(candidate);
  }
  return children;
}

RevisionSet ScriptDirectory::Ancestors(const RevisionSet& revisions) const {
  RevisionSet seen;
  std::vector<std::string> pending(revisions.begin(), revisions.end());
  while (!pending.empty()) {
    std::string revision = std::move(pending.back());
    pending.pop_back();
    if (!seen.insert(revision).second)
      continue;
    for (const auto& parent : scripts_.at(revision).down_revisions)
      pending.push_back(parent);
  }
  return seen;
}

std::vector<const MigrationScript*> ScriptDirectory::TopologicalOrder() const {
  // Kahn's algorithm; ties broken by revision id so the order is deterministic.
  std::map<std::string, int> unmet;
  std::map<std::string, std::vector<std::string>> children;
  for (const auto& [revision, script] : scripts_) {
    unmet[revision] = static_cast<int>(script.down_revisions.size());
    for (const auto& parent : script.down_revisions)
      children[parent].push_back(revision);
  }
  RevisionSet ready;
  for (const auto& [revision, count] : unmet) {
    if (count == 0)
      ready.insert(revision);
  }
  std::vector<const MigrationScript*> order;
  while (!ready.empty()) {
    const std::string revision = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(&scripts_.at(revision));
    for (const auto& child : children[revision]) {
      if (--unmet[child] == 0)
        ready.insert(child);
    }
  }
  if (order.size() != scripts_.size()) {
    throw ScriptError(dir_.string() + ": the migrations' down_revision links form a cycle");
  }
  return order;
}

}  // namespace nedlia::migrate
