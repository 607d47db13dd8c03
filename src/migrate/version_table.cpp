#include "migrate/version_table.hpp"

namespace nedlia::migrate {
namespace {

std::string ArrayLiteral(const auto& items) {
  std::string text = "{";
  for (const std::string& item : items) {
    text += text.size() == 1 ? "\"" : ",\"";
    for (const char c : item) {
      if (c == '"' || c == '\\')
        text += '\\';
      text += c;
    }
    text += '"';
  }
  return text + "}";
}

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

bool TableExists(pg::Connection& connection) {
  return connection.Execute("SELECT to_regclass('nedlia_schema_version') IS NOT NULL")
      .Single()[0]
      .As<bool>();
}

bool HasAppliedColumn(pg::Connection& connection) {
  return connection
      .Execute(
          "SELECT count(*) > 0 FROM pg_attribute WHERE attrelid = "
          "'nedlia_schema_version'::regclass AND attname = 'applied' AND NOT attisdropped")
      .Single()[0]
      .As<bool>();
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
      pg::Params(ArrayLiteral(record.heads), ArrayLiteral(record.applied),
                 ArrayLiteral(record.breaking)));
}

std::string VersionTableSql(const VersionRecord& record) {
  std::string sql = "DELETE FROM nedlia_schema_version;\n";
  if (record.heads.empty())
    return sql;
  const std::string lists = Quoted(ArrayLiteral(record.applied)) + "::text[], " +
                            Quoted(ArrayLiteral(record.breaking)) + "::text[]";
  sql += "INSERT INTO nedlia_schema_version (revision, applied, breaking) VALUES ";
  std::string values;
  for (const std::string& revision : record.heads)
    values += (values.empty() ? "(" : ", (") + Quoted(revision) + ", " + lists + ")";
  return sql + values + ";\n";
}

StoredVersion ReadVersionTable(pg::Connection& connection) {
  StoredVersion stored;
  if (!TableExists(connection)) {
    stored.complete = true;
    return stored;
  }
  for (const pg::Row& row : connection.Execute("SELECT revision FROM nedlia_schema_version"))
    stored.heads.insert(row[0].As<std::string>());
  if (!HasAppliedColumn(connection))
    return stored;
  stored.complete =
      connection
          .Execute("SELECT count(*) FILTER (WHERE applied IS NULL) = 0 FROM nedlia_schema_version")
          .Single()[0]
          .As<bool>();
  for (const pg::Row& row :
       connection.Execute("SELECT DISTINCT unnest(applied) FROM nedlia_schema_version"))
    stored.applied.insert(row[0].As<std::string>());
  for (const pg::Row& row :
       connection.Execute("SELECT DISTINCT unnest(breaking) FROM nedlia_schema_version ORDER BY 1"))
    stored.breaking.push_back(row[0].As<std::string>());
  if (!stored.complete)
    stored.applied.clear();
  return stored;
}

}  // namespace nedlia::migrate
