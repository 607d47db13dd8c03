#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "pg/pgoutput.hpp"

namespace nedlia::pg {

/// Why this server cannot decode its WAL for us, or none when it can: wal_level below logical,
/// or a role that is neither superuser nor REPLICATION.
std::optional<std::string> WhyNoLogicalDecoding(Connection& connection);

/// Makes the publication `name` of `table`'s `columns` (inserts only, a partitioned table's
/// partitions published as the table) unless it exists.
void EnsurePublication(Connection& connection, const std::string& name, const std::string& table,
                       const std::vector<std::string>& columns);

/// Makes the logical slot `name` (plugin pgoutput) unless it exists; true when it made it. A
/// new slot starts at the server's current WAL position.
bool EnsureSlot(Connection& connection, const std::string& name);

/// A slot as pg_replication_slots shows it, with how much WAL it holds back.
struct SlotInfo {
  std::string name;
  std::string plugin;            ///< empty for a physical slot
  std::string database;          ///< empty for a physical slot
  bool active = false;           ///< a process streams from it now
  std::optional<Lsn> confirmed;  ///< confirmed_flush_lsn (logical slots)
  /// Bytes of WAL from the slot's restart position to the server's current one: what it forces
  /// the server to keep.
  std::int64_t retained_bytes = 0;
  /// reserved, extended, unreserved (past max_slot_wal_keep_size, still usable) or lost.
  std::string wal_status;
};

/// Every replication slot of the server, by name.
std::vector<SlotInfo> ListSlots(Connection& connection);

/// Drops the slot `name`; false when there was none. Throws SlotUnusable (kInUse) while a
/// process streams from it.
bool DropSlot(Connection& connection, const std::string& name);

}  // namespace nedlia::pg
