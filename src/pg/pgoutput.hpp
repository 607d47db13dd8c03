#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace nedlia::pg {

/// A write-ahead log position (PostgreSQL's pg_lsn): a byte offset into the WAL.
struct Lsn {
  std::uint64_t value = 0;

  auto operator<=>(const Lsn&) const = default;
  /// "16/B374D848", as PostgreSQL writes it.
  std::string ToString() const;
  static std::optional<Lsn> Parse(std::string_view text);
};

/// The replication stream broke its protocol (a message cut short, an unknown kind): the
/// stream cannot be trusted past it and must be reopened from the slot.
class ReplicationProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// --- What the walsender sends inside COPY BOTH (the streaming replication protocol) ---------

/// XLogData ('w'): a piece of the output plugin's stream.
struct XLogData {
  Lsn start;                 ///< where this message's WAL starts
  Lsn server_end;            ///< the end of WAL on the server
  std::string_view payload;  ///< the plugin's message (a view into the CopyData)
};

/// Primary keepalive ('k'): the server's WAL end, and whether it wants a status update now.
struct Keepalive {
  Lsn server_end;
  bool reply_requested = false;
};

using ReplicationMessage = std::variant<XLogData, Keepalive>;

/// One CopyData message of the replication stream. Throws ReplicationProtocolError.
ReplicationMessage ParseReplicationMessage(std::string_view bytes);

/// The standby status update ('r') that tells the server what we have durably handled: the
/// slot's confirmed_flush_lsn moves to `flushed`, and WAL before it may be recycled.
/// `now_us`: microseconds since 2000-01-01 (PostgreSQL's epoch).
std::string StandbyStatusUpdate(Lsn written, Lsn flushed, std::int64_t now_us,
                                bool reply_requested = false);

// --- What pgoutput (protocol version 1) says inside XLogData -------------------------------

/// A transaction's start: its commit's LSN, known in advance.
struct PgOutputBegin {
  Lsn final_lsn;
  std::int64_t commit_time_us = 0;
  std::uint32_t xid = 0;
};

/// A transaction's end.
struct PgOutputCommit {
  Lsn commit_lsn;
  Lsn end_lsn;  ///< where the next transaction's WAL starts: the position to confirm
  std::int64_t commit_time_us = 0;
};

/// A table's description, sent before its first change in a stream (and after it changed).
struct PgOutputRelation {
  std::uint32_t id = 0;
  std::string schema;
  std::string name;
  std::vector<std::string> columns;
};

/// A row inserted: each column as text, null for SQL NULL (and for a TOASTed value left
/// unchanged, which an insert never has).
struct PgOutputInsert {
  std::uint32_t relation_id = 0;
  std::vector<std::optional<std::string>> values;
};

/// Any other message (update, delete, truncate, origin, type, logical message): not ours to
/// act on, but it is part of the stream.
struct PgOutputOther {
  char kind = 0;
};

using PgOutputMessage =
    std::variant<PgOutputBegin, PgOutputCommit, PgOutputRelation, PgOutputInsert, PgOutputOther>;

/// One pgoutput message. Throws ReplicationProtocolError.
PgOutputMessage ParsePgOutput(std::string_view bytes);

}  // namespace nedlia::pg
