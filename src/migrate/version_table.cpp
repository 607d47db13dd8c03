#include "migrate/version_table.hpp"

#include <algorithm>
#include <set>

namespace nedlia::migrate {
namespace {

// A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1).
std::string Quoted(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c;
    if (c == '\'')
      quoted += '\'';
  }
  return quoted + "'";
}

// Lines of an array (revisions, and "revision message" entries: one line each).
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    lines.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}

}  // namespace

VersionRecord RecordOf(const ScriptDirectory& scripts, const RevisionSet& applied) {
  VersionRecord record{.heads = scripts.HeadsOf(applied), .applied = applied, .breaking = {}};
  for (const std::string& revision : applied) {
    const MigrationScript& script = scripts.Resolve(revision);
    if (script.breaks_earlier_releases)
      record.breaking.push_back(revision + " " + script.message);
  }
  return record;
}

void WriteVersionTable(pg::Connection& connection, const VersionRecord& record) {
  connection.Execute("DELETE FROM nedlia_schema_version");
  connection.Execute(
      "INSERT INTO nedlia_schema_version (revision, applied, breaking) "
      "SELECT unnest($1::text[]), $2::text[], $3::text[]",
      pg::Params(pg::TextArrayLiteral(record.heads), pg::TextArrayLiteral(record.applied),
                 pg::TextArrayLiteral(record.breaking)));
}

std::string VersionTableSql(const VersionRecord& record) {
  std::string sql = "DELETE FROM nedlia_schema_version;\n";
  if (record.heads.empty())
    return sql;
  const std::string lists = Quoted(pg::TextArrayLiteral(record.applied)) + "::text[], " +
                            Quoted(pg::TextArrayLiteral(record.breaking)) + "::text[]";
  sql += "INSERT INTO nedlia_schema_version (revision, applied, breaking) VALUES ";
  std::string values;
  for (const std::string& revision : record.heads)
    values += (values.empty() ? "(" : ", (") + Quoted(revision) + ", " + lists + ")";
  return sql + values + ";\n";
}

StoredVersion ReadVersionTable(pg::Connection& connection) {
  // Whether the table exists, and whether a migrator that writes the applied list made it.
  const auto [exists, listed] =
      connection
          .Execute(
              "SELECT to_regclass('nedlia_schema_version') IS NOT NULL, EXISTS (SELECT FROM "
              "pg_attribute WHERE attrelid = to_regclass('nedlia_schema_version') AND attname = "
              "'applied' AND NOT attisdropped)")
          .Single()
          .As<bool, bool>();
  StoredVersion stored{.heads = {}, .applied = {}, .complete = !exists || listed, .breaking = {}};
  if (!exists)
    return stored;
  const std::string lists =
      listed ? "applied IS NOT NULL, coalesce(array_to_string(applied, E'\\n'), ''), "
               "coalesce(array_to_string(breaking, E'\\n'), '')"
             : "false, '', ''";
  std::set<std::string> breaking;
  for (const pg::Row& row :
       connection.Execute("SELECT revision, " + lists + " FROM nedlia_schema_version")) {
    stored.heads.insert(row[0].As<std::string>());
    stored.complete = stored.complete && row[1].As<bool>();
    for (std::string& revision : Lines(row[2].As<std::string>()))
      stored.applied.insert(std::move(revision));
    for (std::string& entry : Lines(row[3].As<std::string>()))
      breaking.insert(std::move(entry));
  }
  if (!stored.complete)
    stored.applied.clear();
  stored.breaking.assign(breaking.begin(), breaking.end());
  return stored;
}

}  // namespace nedlia::migrate
