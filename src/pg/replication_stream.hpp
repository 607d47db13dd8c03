#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "pg/errors.hpp"
#include "pg/pgoutput.hpp"

namespace nedlia::pg {

/// Why a replication slot cannot be read: each is one clear line and a retry for the reader,
/// never a silent stall.
class SlotUnusable : public Error {
 public:
  enum class Reason {
    kMissing,      ///< no slot of that name (dropped, or never made)
    kInUse,        ///< another process streams from it now
    kInvalidated,  ///< it retained more WAL than max_slot_wal_keep_size: its changes are gone
  };
  SlotUnusable(Reason reason, ErrorDetails details) : Error(std::move(details)), reason_(reason) {}
  Reason Why() const { return reason_; }

 private:
  Reason reason_;
};

/// A logical replication slot's changes, streamed in commit order by the built-in pgoutput
/// plugin over a replication connection (the streaming replication protocol: the server pushes
/// each transaction as it commits, no polling). Only changes of `publication`'s tables come.
///
/// The slot remembers what was confirmed (Confirm): after a crash the stream starts again
/// there, so what was read but not confirmed comes again. One thread at a time.
class ReplicationStream {
 public:
  struct Options {
    std::string url;          ///< the database (a libpq URL or key=value string)
    std::string slot;         ///< a logical slot made with the pgoutput plugin
    std::string publication;  ///< which tables' changes
    /// How often the server hears from us when nothing else made us answer: the slot's
    /// confirmed position moves, and the server's wal_sender_timeout never fires.
    std::chrono::milliseconds status_interval = std::chrono::seconds(10);
  };

  /// Connects and starts streaming from the slot's confirmed position. Throws SlotUnusable,
  /// or ConnectionLost / Error with the server's message.
  static ReplicationStream Start(const Options& options);

  ReplicationStream(ReplicationStream&&) noexcept = default;
  ReplicationStream& operator=(ReplicationStream&&) noexcept = default;
  ReplicationStream(const ReplicationStream&) = delete;
  ReplicationStream& operator=(const ReplicationStream&) = delete;
  ~ReplicationStream();

  /// The next pgoutput message, or none if none came within `wait`. Keepalives are answered
  /// here. Throws ConnectionLost when the connection breaks, ReplicationProtocolError on a
  /// malformed message, SlotUnusable when the server gives the slot up.
  std::optional<PgOutputMessage> Next(std::chrono::milliseconds wait);

  /// Everything before `lsn` (a commit's end_lsn) is durably handled: the slot may forget it,
  /// and a new stream starts there. Sent at once.
  void Confirm(Lsn lsn);

  /// The WAL position the server last said it had written (how far behind we are).
  Lsn ServerEnd() const { return server_end_; }
  /// Where the server's last keepalive said it had sent everything up to: once every
  /// transaction received is handled, confirming it lets the slot skip the WAL of other
  /// tables' changes, which the stream never shows.
  Lsn SentEnd() const { return sent_end_; }
  /// The position last confirmed.
  Lsn Confirmed() const { return confirmed_; }

 private:
  explicit ReplicationStream(PGconn* conn, std::chrono::milliseconds status_interval);
  void SendStatus(bool reply_requested = false);
  /// Reads what the socket has; true when a CopyData message is ready in `message_`.
  bool ReadMessage(std::chrono::milliseconds wait);
  [[noreturn]] void ThrowConnectionError(const char* doing);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  std::unique_ptr<char, decltype(&PQfreemem)> buffer_;
  std::string_view message_;
  std::chrono::milliseconds status_interval_;
  std::chrono::steady_clock::time_point last_status_;
  Lsn server_end_;
  Lsn sent_end_;
  Lsn received_;
  Lsn confirmed_;
};

/// A new logical slot (pgoutput) made over a replication connection, with the snapshot of its
/// start exported: the transactions that snapshot sees are exactly those the slot will never
/// stream, so a reader that reads them from the tables first, then streams the slot, sees every
/// committed transaction once. The snapshot can be imported (SET TRANSACTION SNAPSHOT) while
/// this object lives.
class NewSlot {
 public:
  /// Throws DuplicateObject when the slot exists, Error / ConnectionLost otherwise.
  static NewSlot Create(const std::string& url, const std::string& slot);

  NewSlot(NewSlot&&) noexcept = default;
  NewSlot& operator=(NewSlot&&) noexcept = default;
  NewSlot(const NewSlot&) = delete;
  NewSlot& operator=(const NewSlot&) = delete;
  ~NewSlot() = default;

  /// The exported snapshot's name, for SET TRANSACTION SNAPSHOT.
  const std::string& Snapshot() const { return snapshot_; }
  /// Where the slot's stream starts.
  Lsn ConsistentPoint() const { return consistent_point_; }

 private:
  NewSlot() : conn_(nullptr, &PQfinish) {}

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;  ///< holds the snapshot open
  std::string snapshot_;
  Lsn consistent_point_;
};

}  // namespace nedlia::pg
