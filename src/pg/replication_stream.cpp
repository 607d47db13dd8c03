#include "pg/replication_stream.hpp"

#include <poll.h>

#include <algorithm>
#include <string>
#include <vector>

namespace nedlia::pg {
namespace {

// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
constexpr std::int64_t kPostgresEpochUs = 946'684'800'000'000;

std::int64_t PostgresNowUs() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(now).count() - kPostgresEpochUs;
}

std::string Message(PGconn* conn) {
  std::string text = PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

/// `text` quoted by libpq for `conn` as an identifier or a literal.
std::string Quoted(PGconn* conn, const std::string& text, bool identifier) {
  const std::unique_ptr<char, decltype(&PQfreemem)> quoted(
      identifier ? PQescapeIdentifier(conn, text.data(), text.size())
                 : PQescapeLiteral(conn, text.data(), text.size()),
      &PQfreemem);
  if (!quoted)
    throw Error(ClientError(Message(conn)));
  return quoted.get();
}

/// The error START_REPLICATION or the stream ended with, as the exception a reader acts on.
[[noreturn]] void ThrowStreamError(const PGresult* result, PGconn* conn) {
  ErrorDetails details;
  if (result != nullptr) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE))
      details.sqlstate = state;
    if (const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY))
      details.message = primary;
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
      details.detail = detail;
  }
  if (details.message.empty())
    details.message = Message(conn);
  if (details.sqlstate == "42704")
    throw SlotUnusable(SlotUnusable::Reason::kMissing, std::move(details));
  if (details.sqlstate == "55006")
    throw SlotUnusable(SlotUnusable::Reason::kInUse, std::move(details));
  if (details.sqlstate == "55000" && details.message.find("slot") != std::string::npos)
    throw SlotUnusable(SlotUnusable::Reason::kInvalidated, std::move(details));
  ThrowError(std::move(details));
}

/// A replication connection (walsender, logical: bound to the URL's database).
PGconn* ConnectForReplication(const std::string& url) {
  const char* keys[] = {"dbname", "replication", "application_name", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), "database", "nedlia-replication", "10", nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, 1);
  if (conn == nullptr)
    throw ConnectionLost(ClientError("out of memory"));
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = Message(conn);
    PQfinish(conn);
    throw ConnectionLost(ClientError(message));
  }
  return conn;
}

}  // namespace

NewSlot NewSlot::Create(const std::string& url, const std::string& slot) {
  NewSlot created;
  created.conn_.reset(ConnectForReplication(url));
  PGconn* conn = created.conn_.get();
  const std::string command = "CREATE_REPLICATION_SLOT " + Quoted(conn, slot, true) +
                              " LOGICAL pgoutput (SNAPSHOT 'export')";
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, command.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_TUPLES_OK || PQntuples(result.get()) != 1 ||
      PQnfields(result.get()) < 3) {
    if (PQresultStatus(result.get()) != PGRES_FATAL_ERROR)
      throw Error(ClientError("CREATE_REPLICATION_SLOT answered no slot"));
    ThrowStreamError(result.get(), conn);
  }
  // slot_name, consistent_point, snapshot_name, output_plugin
  const auto point = Lsn::Parse(PQgetvalue(result.get(), 0, 1));
  if (!point)
    throw Error(ClientError("CREATE_REPLICATION_SLOT answered no consistent point"));
  created.consistent_point_ = *point;
  created.snapshot_ = PQgetvalue(result.get(), 0, 2);
  return created;
}

ReplicationStream ReplicationStream::Start(const Options& options) {
  ReplicationStream stream(ConnectForReplication(options.url), options.status_interval);
  PGconn* conn = stream.conn_.get();
  // 0/0: from the slot's confirmed position (the server never goes back before it).
  const std::string start = "START_REPLICATION SLOT " + Quoted(conn, options.slot, true) +
                            " LOGICAL 0/0 (proto_version '1', publication_names " +
                            Quoted(conn, options.publication, false) + ")";
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, start.c_str()), &PQclear);
  if (PQresultStatus(result.get()) != PGRES_COPY_BOTH)
    ThrowStreamError(result.get(), conn);
  stream.last_status_ = std::chrono::steady_clock::now();
  return stream;
}

ReplicationStream::ReplicationStream(PGconn* conn, std::chrono::milliseconds status_interval)
    : conn_(conn, &PQfinish), buffer_(nullptr, &PQfreemem), status_interval_(status_interval) {}

ReplicationStream::~ReplicationStream() = default;

void ReplicationStream::ThrowConnectionError(const char* doing) {
  // The stream's end carries the server's reason (a slot invalidated under us, a shutdown).
  while (PGresult* raw = PQgetResult(conn_.get())) {
    const std::unique_ptr<PGresult, decltype(&PQclear)> result(raw, &PQclear);
    if (PQresultStatus(raw) == PGRES_FATAL_ERROR)
      ThrowStreamError(raw, conn_.get());
  }
  throw ConnectionLost(
      ClientError(std::string("replication stream: ") + doing + ": " + Message(conn_.get())));
}

bool ReplicationStream::ReadMessage(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    char* data = nullptr;
    const int size = PQgetCopyData(conn_.get(), &data, 1);
    if (size > 0) {
      buffer_.reset(data);
      message_ = std::string_view(data, static_cast<std::size_t>(size));
      return true;
    }
    if (size == -1 || size == -2)
      ThrowConnectionError("reading");
    // Nothing buffered: wait for the socket, but no longer than the deadline or the next
    // status update.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_status_ >= status_interval_)
      SendStatus();
    if (now >= deadline)
      return false;
    const auto until =
        std::min(deadline, last_status_ + status_interval_) - std::chrono::steady_clock::now();
    const int timeout_ms = static_cast<int>(std::max<std::int64_t>(
        1, std::chrono::duration_cast<std::chrono::milliseconds>(until).count()));
    pollfd descriptor{.fd = PQsocket(conn_.get()), .events = POLLIN, .revents = 0};
    if (::poll(&descriptor, 1, timeout_ms) < 0 && errno != EINTR)
      ThrowConnectionError("waiting");
    if (PQconsumeInput(conn_.get()) == 0)
      ThrowConnectionError("reading");
  }
}

std::optional<PgOutputMessage> ReplicationStream::Next(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!ReadMessage(std::max(left, std::chrono::milliseconds(0))))
      return std::nullopt;
    const ReplicationMessage message = ParseReplicationMessage(message_);
    if (const auto* keepalive = std::get_if<Keepalive>(&message)) {
      // In a logical stream a keepalive's end is what the sender has sent.
      sent_end_ = std::max(sent_end_, keepalive->server_end);
      server_end_ = std::max(server_end_, keepalive->server_end);
      if (keepalive->reply_requested)
        SendStatus();
      continue;
    }
    const auto& data = std::get<XLogData>(message);
    server_end_ = std::max(server_end_, data.server_end);
    received_ = std::max(received_, data.start);
    return ParsePgOutput(data.payload);
  }
}

void ReplicationStream::Confirm(Lsn lsn) {
  confirmed_ = std::max(confirmed_, lsn);
  SendStatus();
}

void ReplicationStream::SendStatus(bool reply_requested) {
  const std::string update = StandbyStatusUpdate(std::max(received_, confirmed_), confirmed_,
                                                 PostgresNowUs(), reply_requested);
  if (PQputCopyData(conn_.get(), update.data(), static_cast<int>(update.size())) != 1 ||
      PQflush(conn_.get()) != 0)
    ThrowConnectionError("confirming");
  last_status_ = std::chrono::steady_clock::now();
}

}  // namespace nedlia::pg
