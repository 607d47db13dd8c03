#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace nedlia::migrate {

struct ColumnModel {
  std::string name;
  std::string type;  ///< format_type: "numeric(10,3)", "character varying(255)"
  bool not_null = false;
  std::string default_sql;  ///< pg_get_expr of the default, or the generation expression
  char identity = '\0';     ///< 'a' (ALWAYS), 'd' (BY DEFAULT) or none
  bool generated = false;   ///< GENERATED ALWAYS AS (default_sql) STORED
  bool operator==(const ColumnModel&) const = default;
};

struct TableModel {
  std::string name;
  std::vector<ColumnModel> columns;  ///< a partition's are its parent's: left empty
  std::string partition_key;         ///< "RANGE (created_at)" for a partitioned table
  std::string partition_of;          ///< the parent of a partition
  std::string partition_bound;       ///< "FOR VALUES FROM (...) TO (...)"
};

/// A named object defined on a table (a constraint, an index, a trigger): its definition as
/// PostgreSQL prints it back, so two schemas built from different texts compare equal.
struct TableObject {
  std::string table;
  std::string name;
  std::string definition;
  char kind = '\0';  ///< constraints: contype ('p', 'u', 'c', 'f', 'x'); views: 'v' or 'm'
  bool operator==(const TableObject&) const = default;
};

/// What `nedlia migrate check` and `revision --autogenerate` compare: the public schema's
/// tables, columns, constraints, indexes, views, functions, triggers, sequences, extensions
/// and partitions (the version table and extensions' own objects left out; comments too).
struct SchemaModel {
  std::map<std::string, TableModel> tables;
  std::map<std::string, TableObject> constraints;  ///< keyed "table.name"
  std::map<std::string, TableObject> indexes;      ///< keyed by name (not constraints' own)
  std::map<std::string, TableObject> triggers;     ///< keyed "table.name"
  std::map<std::string, TableObject> views;        ///< keyed by name; definition = the query
  std::map<std::string, std::string> functions;    ///< signature -> CREATE OR REPLACE FUNCTION
  std::map<std::string, std::string> sequences;    ///< name -> CREATE SEQUENCE
  std::set<std::string> extensions;
};

/// Reads the schema of the database `connection` is on.
SchemaModel ReadSchema(pg::Connection& connection);

}  // namespace nedlia::migrate
