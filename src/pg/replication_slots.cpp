#include "pg/replication_slots.hpp"

#include "pg/replication_stream.hpp"

namespace nedlia::pg {

std::optional<std::string> WhyNoLogicalDecoding(Connection& connection) {
  const Row row = connection
                      .Execute(R"sql(
      SELECT current_setting('wal_level'),
             (SELECT rolsuper OR rolreplication FROM pg_roles WHERE rolname = current_user))sql")
                      .Single();
  const auto wal_level = row[0].As<std::string>();
  if (wal_level != "logical")
    return "its wal_level is " + wal_level + ", not logical";
  if (!row[1].As<std::optional<bool>>().value_or(false))
    return "our role is neither superuser nor REPLICATION";
  return std::nullopt;
}

void EnsurePublication(Connection& connection, const std::string& name, const std::string& table,
                       const std::vector<std::string>& columns) {
  if (!connection.Execute("SELECT 1 FROM pg_publication WHERE pubname = $1", Params(name)).Empty())
    return;
  const std::string create = connection
                                 .Execute(R"sql(
      SELECT format('CREATE PUBLICATION %I FOR TABLE %I (%s) '
                    'WITH (publish = ''insert'', publish_via_partition_root = true)',
                    $1::text, $2::text,
                    (SELECT string_agg(quote_ident(c), ', ') FROM unnest($3::text[]) c)))sql",
                                          Params(name, table, columns))
                                 .Single()[0]
                                 .As<std::string>();
  try {
    connection.ExecuteScript(create);
  } catch (const DuplicateObject&) {
    // Another process made it first: the same publication.
  }
}

bool EnsureSlot(Connection& connection, const std::string& name) {
  if (!connection.Execute("SELECT 1 FROM pg_replication_slots WHERE slot_name = $1", Params(name))
           .Empty())
    return false;
  try {
    connection.Execute("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", Params(name));
    return true;
  } catch (const DuplicateObject&) {
    return false;  // another process made it first
  }
}

std::vector<SlotInfo> ListSlots(Connection& connection) {
  std::vector<SlotInfo> slots;
  const Result result = connection.Execute(R"sql(
      SELECT slot_name, coalesce(plugin, ''), coalesce(database, ''), active,
             confirmed_flush_lsn::text,
             coalesce(pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                                           ELSE pg_current_wal_lsn() END, restart_lsn), 0)::int8,
             coalesce(wal_status, '')
      FROM pg_replication_slots ORDER BY slot_name)sql");
  for (const Row& row : result) {
    const auto confirmed = row[4].As<std::optional<std::string>>();
    slots.push_back({.name = row[0].As<std::string>(),
                     .plugin = row[1].As<std::string>(),
                     .database = row[2].As<std::string>(),
                     .active = row[3].As<bool>(),
                     .confirmed = confirmed ? Lsn::Parse(*confirmed) : std::nullopt,
                     .retained_bytes = row[5].As<std::int64_t>(),
                     .wal_status = row[6].As<std::string>()});
  }
  return slots;
}

bool DropSlot(Connection& connection, const std::string& name) {
  try {
    connection.Execute("SELECT pg_drop_replication_slot($1)", Params(name));
    return true;
  } catch (const Error& error) {
    if (error.SqlState() == "42704")
      return false;
    if (error.SqlState() == "55006")
      throw SlotUnusable(SlotUnusable::Reason::kInUse, error.Details());
    throw;
  }
}

}  // namespace nedlia::pg
