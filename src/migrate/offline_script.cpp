#include "migrate/offline_script.hpp"

namespace nedlia::migrate {
namespace {

std::string Trimmed(const std::string& sql) {
  const auto end = sql.find_last_not_of(" \t\r\n");
  return end == std::string::npos ? std::string() : sql.substr(0, end + 1);
}

}  // namespace

std::string RenderOfflineMigration(const ScriptDirectory& scripts, const RevisionSet& from,
                                   const std::vector<MigrationStep>& steps) {
  std::string out = "-- nedlia migrate, offline: from " + JoinRevisions(from) + "\n";
  out += std::string(kCreateVersionTableSql).substr(1) + ";\n";
  RevisionSet applied = scripts.Ancestors(from);
  for (const MigrationStep& step : steps) {
    const MigrationScript& script = *step.script;
    const bool up = step.direction == Direction::kUp;
    if (up) {
      applied.insert(script.revision);
    } else {
      applied.erase(script.revision);
    }
    out += "\n-- " + std::string(up ? "upgrade to " : "downgrade from ") + script.revision + ": " +
           script.message + " (" + script.path.filename().string() + ")\n";
    const std::string sql = Trimmed(up ? script.up_sql : script.down_sql) + "\n";
    if (script.transactional) {
      out += "BEGIN;\n" + sql;
    } else {  // as the migrator runs it: each statement commits on its own, then the version
      out += "-- not in a transaction: each statement commits on its own\n" + sql + "BEGIN;\n";
    }
    out += VersionTableSql(RecordOf(scripts, applied)) + "COMMIT;\n";
  }
  return out;
}

std::string RenderOfflineStamp(const ScriptDirectory& scripts, const RevisionSet& heads) {
  return std::string(kCreateVersionTableSql).substr(1) + ";\nBEGIN;\n" +
         VersionTableSql(RecordOf(scripts, scripts.Ancestors(heads))) + "COMMIT;\n";
}

}  // namespace nedlia::migrate
