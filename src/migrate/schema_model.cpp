#include "migrate/schema_model.hpp"

namespace nedlia::migrate {
namespace {

// Objects of the public schema that belong to no extension (btree_gist puts its functions in
// public) and are not the migrator's own version table.
std::string NotFromAnExtension(const std::string& oid) {
  return "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = " + oid + " AND d.deptype = 'e')";
}

const std::string kTablesSql =
    "SELECT c.relname, coalesce(pg_get_partkeydef(c.oid), ''), "
    "coalesce((SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
    "WHERE i.inhrelid = c.oid AND c.relispartition), ''), "
    "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) ELSE '' END "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') "
    "AND c.relname <> 'nedlia_schema_version' AND " +
    NotFromAnExtension("c.oid");

const std::string kColumnsSql =
    "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
    "coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, "
    "a.attgenerated = 's' "
    "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND c.relname <> 'nedlia_schema_version' AND a.attnum > 0 AND NOT a.attisdropped AND " +
    NotFromAnExtension("c.oid") + " ORDER BY c.relname, a.attnum";

// A partition's constraints and indexes come from its parent's (conparentid, relispartition).
const std::string kConstraintsSql =
    "SELECT c.relname, con.conname, con.contype::text, pg_get_constraintdef(con.oid) "
    "FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND con.conparentid = 0 AND con.conislocal "
    "AND c.relname <> 'nedlia_schema_version' AND NOT (c.relispartition AND con.contype = 'c' "
    "AND EXISTS (SELECT 1 FROM pg_constraint pc JOIN pg_inherits i ON i.inhparent = pc.conrelid "
    "WHERE i.inhrelid = c.oid AND pc.conname = con.conname)) AND " +
    NotFromAnExtension("c.oid");

const std::string kIndexesSql =
    "SELECT t.relname, i.relname, pg_get_indexdef(i.oid) "
    "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
    "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = i.relnamespace "
    "WHERE n.nspname = 'public' AND NOT i.relispartition "
    "AND t.relname <> 'nedlia_schema_version' "
    "AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = x.indexrelid "
    "AND con.conrelid = x.indrelid) AND " +
    NotFromAnExtension("t.oid");

const std::string kTriggersSql =
    "SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid) "
    "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgparentid = 0";

const std::string kViewsSql =
    "SELECT c.relname, c.relkind::text, pg_get_viewdef(c.oid, true) "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') AND " +
    NotFromAnExtension("c.oid");

const std::string kFunctionsSql =
    "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) "
    "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
    "WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p') AND " +
    NotFromAnExtension("p.oid");

// Sequences owned by a column (serial, identity) come with the column.
const std::string kSequencesSql =
    "SELECT s.sequencename, format('CREATE SEQUENCE %I AS %s INCREMENT BY %s MINVALUE %s "
    "MAXVALUE %s START WITH %s CACHE %s%s', s.sequencename, s.data_type, s.increment_by, "
    "s.min_value, s.max_value, s.start_value, s.cache_size, "
    "CASE WHEN s.cycle THEN ' CYCLE' ELSE '' END) "
    "FROM pg_sequences s JOIN pg_class c ON c.relname = s.sequencename "
    "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname "
    "WHERE s.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d "
    "WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))";

std::string Key(const std::string& table, const std::string& name) {
  return table + "." + name;
}

void ReadTables(pg::Connection& connection, SchemaModel& model) {
  for (const pg::Row& row : connection.Execute(kTablesSql)) {
    TableModel table{.name = row[0].As<std::string>(),
                     .columns = {},
                     .partition_key = row[1].As<std::string>(),
                     .partition_of = row[2].As<std::string>(),
                     .partition_bound = row[3].As<std::string>()};
    model.tables.emplace(table.name, std::move(table));
  }
  for (const pg::Row& row : connection.Execute(kColumnsSql)) {
    const std::string identity = row[5].As<std::string>();
    model.tables[row[0].As<std::string>()].columns.push_back(
        {.name = row[1].As<std::string>(),
         .type = row[2].As<std::string>(),
         .not_null = row[3].As<bool>(),
         .default_sql = row[4].As<std::string>(),
         .identity = identity.empty() ? '\0' : identity[0],
         .generated = row[6].As<bool>()});
  }
}

/// Rows of (table, name, [kind,] definition).
void ReadTableObjects(pg::Connection& connection, const std::string& sql,
                      std::map<std::string, TableObject>& into, bool keyed_by_table,
                      bool with_kind = false) {
  for (const pg::Row& row : connection.Execute(sql)) {
    TableObject object{.table = row[0].As<std::string>(), .name = row[1].As<std::string>()};
    if (with_kind)
      object.kind = row[2].As<std::string>()[0];
    object.definition = row[with_kind ? 3 : 2].As<std::string>();
    const std::string key = keyed_by_table ? Key(object.table, object.name) : object.name;
    into.emplace(key, std::move(object));
  }
}

}  // namespace

SchemaModel ReadSchema(pg::Connection& connection) {
  SchemaModel model;
  ReadTables(connection, model);
  ReadTableObjects(connection, kConstraintsSql, model.constraints, true, true);
  ReadTableObjects(connection, kIndexesSql, model.indexes, false);
  ReadTableObjects(connection, kTriggersSql, model.triggers, true);
  for (const pg::Row& row : connection.Execute(kViewsSql)) {
    model.views.emplace(row[0].As<std::string>(),
                        TableObject{.table = "",
                                    .name = row[0].As<std::string>(),
                                    .definition = row[2].As<std::string>(),
                                    .kind = row[1].As<std::string>()[0]});
  }
  for (const pg::Row& row : connection.Execute(kFunctionsSql))
    model.functions.emplace(row[0].As<std::string>(), row[1].As<std::string>());
  for (const pg::Row& row : connection.Execute(kSequencesSql))
    model.sequences.emplace(row[0].As<std::string>(), row[1].As<std::string>());
  for (const pg::Row& row :
       connection.Execute("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"))
    model.extensions.insert(row[0].As<std::string>());
  return model;
}

}  // namespace nedlia::migrate
