#include "pg/connection.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "pg/errors.hpp"
#include "pg/shared_reader.hpp"

namespace nedlia::pg {
namespace {

std::string FieldOf(const PGresult* result, int code) {
  const char* value = PQresultErrorField(result, code);
  return value == nullptr ? std::string() : std::string(value);
}

std::string TrimmedMessage(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

// libpq prints NOTICEs to stderr by default; they belong in our log.
void LogNotice(void*, const PGresult* result) {
  spdlog::debug("postgres: {}", TrimmedMessage(PQresultErrorMessage(result)));
}

ErrorDetails DetailsOf(const PGresult* result, PGconn* conn) {
  ErrorDetails details;
  if (result != nullptr) {
    details.sqlstate = FieldOf(result, PG_DIAG_SQLSTATE);
    details.message = FieldOf(result, PG_DIAG_MESSAGE_PRIMARY);
    details.detail = FieldOf(result, PG_DIAG_MESSAGE_DETAIL);
    details.constraint = FieldOf(result, PG_DIAG_CONSTRAINT_NAME);
    details.table = FieldOf(result, PG_DIAG_TABLE_NAME);
    details.column = FieldOf(result, PG_DIAG_COLUMN_NAME);
    const std::string position = FieldOf(result, PG_DIAG_STATEMENT_POSITION);
    if (!position.empty())
      details.position = std::stoi(position);
  }
  if (details.message.empty())
    details.message = TrimmedMessage(PQerrorMessage(conn));
  if (details.message.empty())
    details.message = "connection to the database was lost";
  return details;
}

// What the server last reported of itself (PostgreSQL 14+ reports both at connection and
// whenever they change): read-only when a standby or set read-only; nullopt when it never said.
std::optional<bool> ReportedReadOnly(const PGconn* conn) {
  const char* standby = PQparameterStatus(conn, "in_hot_standby");
  const char* read_only = PQparameterStatus(conn, "default_transaction_read_only");
  if (standby == nullptr && read_only == nullptr)
    return std::nullopt;
  const auto on = [](const char* value) {
    return value != nullptr && std::string_view(value) == "on";
  };
  return on(standby) || on(read_only);
}

[[noreturn]] void ThrowTranslated(const ErrorDetails& details, ErrorTranslator translate) {
  try {
    ThrowError(details);
  } catch (const Error& error) {
    if (translate != nullptr)
      translate(error);
    throw;
  }
}

}  // namespace

Connection::Connection(PGconn* conn) : conn_(conn, &PQfinish) {}

Connection Connection::Through(SharedReader& reader,
                               std::chrono::steady_clock::time_point deadline) {
  Connection connection(nullptr);
  connection.through_ = &reader;
  connection.through_deadline_ = deadline;
  return connection;
}

void Connection::RequireSession(std::string_view operation) const {
  if (through_ != nullptr) {
    throw std::logic_error(std::string(operation) +
                           " needs a connection of its own, not a shared reader's");
  }
}

Connection Connection::Open(const std::string& url, std::chrono::seconds connect_timeout,
                            TargetSession target) {
  const std::string timeout = std::to_string(connect_timeout.count());
  std::vector<const char*> keys;
  std::vector<const char*> values;
  if (target == TargetSession::kReadWrite) {
    // Free with PostgreSQL 14+: libpq reads what the server reports, no extra round trip.
    keys.push_back("target_session_attrs");
    values.push_back("read-write");
  }
  keys.insert(keys.end(), {"dbname", "connect_timeout", "application_name", nullptr});
  values.insert(values.end(), {url.c_str(), timeout.c_str(), "nedlia", nullptr});
  // expand_dbname=1: the URL (or key=value string) is expanded in dbname's place; entries
  // before it are defaults the URL may override, entries after it override the URL.
  Connection connection(PQconnectdbParams(keys.data(), values.data(), 1));
  if (connection.conn_ == nullptr)
    throw ConnectionLost(ClientError("out of memory"));
  if (PQstatus(connection.conn_.get()) != CONNECTION_OK) {
    throw ConnectionLost(ClientError(TrimmedMessage(PQerrorMessage(connection.conn_.get()))));
  }
  PQsetNoticeReceiver(connection.conn_.get(), &LogNotice, nullptr);
  connection.handles_->cancel.reset(PQgetCancel(connection.conn_.get()), &PQfreeCancel);
  connection.handles_->socket = fcntl(PQsocket(connection.conn_.get()), F_DUPFD_CLOEXEC, 0);
  return connection;
}

Result Connection::Check(PGresult* raw) {
  Result result(raw);
  const ExecStatusType status = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  switch (status) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
      return result;
    default:
      Throw(DetailsOf(raw, conn_.get()));
  }
}

void Connection::Throw(ErrorDetails details, ErrorTranslator translate) {
  // Read now, not when the error arrived: the server reports a change of either setting just
  // before it is ready again, after the error.
  details.server_read_only = ReportedReadOnly(conn_.get()).value_or(true);
  if (details.sqlstate == "25006" && details.server_read_only)
    refused_write_ = true;
  ThrowTranslated(details, translate);
}

std::int64_t Connection::CopyOut(std::string_view copy_sql,
                                 const std::function<void(std::string_view row)>& row) {
  RequireSession("CopyOut");
  if (HasDeferred())
    SendDeferred();
  const std::string text(copy_sql);
  const Result started = Check(PQexec(conn_.get(), text.c_str()));
  if (PQresultStatus(started.Native()) != PGRES_COPY_OUT)
    throw std::logic_error("CopyOut needs a COPY ... TO STDOUT statement");
  std::int64_t rows = 0;
  std::exception_ptr failure;
  for (;;) {
    char* buffer = nullptr;
    const int length = PQgetCopyData(conn_.get(), &buffer, 0);
    if (length < 0)
      break;  // -1: done; -2: an error, which the results below report
    const std::unique_ptr<char, decltype(&PQfreemem)> owned(buffer, &PQfreemem);
    if (failure)
      continue;  // read to the end rather than cancel: a cancel may hit a later statement
    try {
      std::string_view line(buffer, static_cast<std::size_t>(length));
      if (!line.empty() && line.back() == '\n')
        line.remove_suffix(1);
      row(line);
      ++rows;
    } catch (...) {
      failure = std::current_exception();
    }
  }
  // Every result up to the end of the COPY, so the connection is ready for the next command.
  PGresult* error = nullptr;
  while (PGresult* next = PQgetResult(conn_.get())) {
    if (error == nullptr && PQresultStatus(next) != PGRES_COMMAND_OK) {
      error = next;
    } else {
      PQclear(next);
    }
  }
  if (failure) {
    PQclear(error);
    std::rethrow_exception(failure);
  }
  if (error != nullptr)
    Check(error);  // throws the server's error
  return rows;
}

Result Connection::Execute(std::string_view sql, const Params& params) {
  if (through_ != nullptr)
    return through_->Execute(Statement{.name = {}, .sql = sql}, params, through_deadline_);
  if (HasDeferred()) {
    Defer(sql, params);
    return SendDeferred();
  }
  const std::string text(sql);
  const std::vector<const char*> values = params.Pointers();
  return Check(PQexecParams(conn_.get(), text.c_str(), params.Count(), nullptr, values.data(),
                            nullptr, nullptr, 0));
}

Result Connection::Execute(const Statement& statement, const Params& params) {
  if (through_ != nullptr)
    return through_->Execute(statement, params, through_deadline_);
  if (HasDeferred()) {
    Defer(statement, params);
    return SendDeferred();
  }
  const std::string name(statement.name);
  if (!prepared_.contains(statement.name)) {
    const std::string text(statement.sql);
    Check(PQprepare(conn_.get(), name.c_str(), text.c_str(), 0, nullptr));
    prepared_.insert(statement.name);
  }
  const std::vector<const char*> values = params.Pointers();
  return Check(PQexecPrepared(conn_.get(), name.c_str(), params.Count(), values.data(), nullptr,
                              nullptr, 0));
}

Result Connection::ExecuteScript(std::string_view sql) {
  RequireSession("ExecuteScript");
  if (HasDeferred())
    SendDeferred();  // the simple protocol cannot join a pipeline: one more round trip
  const std::string text(sql);
  return Check(PQexec(conn_.get(), text.c_str()));
}

void Connection::Defer(std::string_view sql, Params params) {
  RequireSession("Defer");
  deferred_.push_back({{}, std::string(sql), std::move(params)});
}

void Connection::Defer(const Statement& statement, Params params, ErrorTranslator translate) {
  RequireSession("Defer");
  deferred_.push_back({statement.name, std::string(statement.sql), std::move(params), translate});
}

Result Connection::ExecuteThen(const Statement& statement, const Params& params,
                               std::string_view then_sql) {
  RequireSession("ExecuteThen");
  deferred_.push_back(
      {statement.name, std::string(statement.sql), params, nullptr, /*wanted=*/true});
  Defer(then_sql);
  return SendDeferred();
}

// Sends every queued statement and a Sync in one write, then reads the answers: one round trip
// however many statements. Returns the wanted statement's result (by default the last one) and
// throws the first error.
Result Connection::SendDeferred() {
  const std::vector<Deferred> batch = std::exchange(deferred_, {});
  PGconn* conn = conn_.get();
  if (PQenterPipelineMode(conn) == 0)
    ThrowError(DetailsOf(nullptr, conn));
  Result last(nullptr);
  try {
    std::vector<Sent> commands;  // one per command sent, in order
    for (const Deferred& statement : batch)
      SendOne(statement, commands);
    if (PQpipelineSync(conn) == 0)
      ThrowError(DetailsOf(nullptr, conn));
    last = ReadPipelineResults(commands);
  } catch (...) {
    // Fails when answers are still pending (a broken link): IsOpen then reports the connection
    // unusable and the pool discards it.
    PQexitPipelineMode(conn);
    throw;
  }
  PQexitPipelineMode(conn);
  return last;
}

void Connection::SendOne(const Deferred& statement, std::vector<Sent>& commands) {
  // Prepared once, even when the batch runs it twice: the server refuses a second Parse.
  const bool preparing = std::any_of(commands.begin(), commands.end(), [&](const Sent& earlier) {
    return earlier.prepares == statement.name;
  });
  if (SendStatement(statement.name, statement.sql, statement.params, preparing))
    commands.push_back({statement.name, statement.translate});
  commands.push_back({{}, statement.translate, statement.wanted});
}

// Into the pipeline: a named statement not yet prepared (nor `preparing` earlier in the batch)
// is prepared first. True when a Parse went too, whose answer comes before the statement's.
bool Connection::SendStatement(std::string_view name, std::string_view sql, const Params& params,
                               bool preparing) {
  PGconn* conn = conn_.get();
  const std::vector<const char*> values = params.Pointers();
  const int count = params.Count();
  int sent = 1;
  bool prepares = false;
  if (name.empty()) {
    sent = PQsendQueryParams(conn, std::string(sql).c_str(), count, nullptr, values.data(), nullptr,
                             nullptr, 0);
  } else {
    const std::string name_text(name);
    if (!prepared_.contains(name) && !preparing) {
      sent = PQsendPrepare(conn, name_text.c_str(), std::string(sql).c_str(), 0, nullptr);
      prepares = true;
    }
    if (sent != 0) {
      sent =
          PQsendQueryPrepared(conn, name_text.c_str(), count, values.data(), nullptr, nullptr, 0);
    }
  }
  if (sent == 0)
    ThrowError(DetailsOf(nullptr, conn));
  return prepares;
}

Result Connection::ReadPipelineResults(const std::vector<Sent>& commands) {
  PGconn* conn = conn_.get();
  std::optional<ErrorDetails> failure;
  ErrorTranslator translate = nullptr;
  Result last(nullptr);
  std::optional<Result> wanted;
  for (const auto& [prepares, translator, is_wanted] : commands) {
    PGresult* raw = PQgetResult(conn);
    if (raw == nullptr)  // every command answers before its end marker: the link is gone
      ThrowError(DetailsOf(nullptr, conn));
    Result result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (!prepares.empty())
        prepared_.insert(prepares);
      if (is_wanted) {
        wanted.emplace(std::move(result));
      } else {
        last = std::move(result);
      }
    } else if (status != PGRES_PIPELINE_ABORTED && !failure) {
      failure = DetailsOf(raw, conn);
      translate = translator;
    }
    while (PGresult* end = PQgetResult(conn))  // normally none: NULL ends the command
      PQclear(end);
  }
  const Result sync(PQgetResult(conn));
  if (PQresultStatus(sync.Native()) != PGRES_PIPELINE_SYNC)
    ThrowError(DetailsOf(nullptr, conn));
  if (failure)
    Throw(*failure, translate);
  return wanted ? std::move(*wanted) : std::move(last);
}

void Connection::ExecuteEach(const std::vector<BatchStatement>& batch, const BatchOutcome& outcome,
                             std::chrono::steady_clock::time_point answer_by) {
  RequireSession("ExecuteEach");
  if (HasDeferred())
    throw std::logic_error("ExecuteEach with statements deferred");
  PGconn* conn = conn_.get();
  if (PQenterPipelineMode(conn) == 0)
    ThrowError(DetailsOf(nullptr, conn));
  // Left in pipeline mode when an exception leaves: IsOpen then says the connection is done.
  std::vector<bool> prepares(batch.size(), false);
  std::unordered_set<std::string_view> preparing;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Statement& statement = *batch[i].statement;
    prepares[i] = SendStatement(statement.name, statement.sql, *batch[i].params,
                                preparing.contains(statement.name));
    if (prepares[i])
      preparing.insert(statement.name);
  }
  // libpq 15 flushes at each Sync: one Sync makes the batch one write.
  if (PQpipelineSync(conn) == 0)
    ThrowError(DetailsOf(nullptr, conn));
  bool skipping = false;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto [result, error] = ReadOneOutcome(prepares[i], batch[i].statement->name, answer_by);
    if (skipping || (!result && !error)) {
      skipping = true;  // after an error the server skips the rest
      continue;
    }
    outcome(i, result ? &*result : nullptr, error);
    skipping = error != nullptr;
  }
  const Result sync(NextResult(answer_by));
  if (PQresultStatus(sync.Native()) != PGRES_PIPELINE_SYNC)
    ThrowError(DetailsOf(nullptr, conn));
  PQexitPipelineMode(conn);
}

std::pair<std::optional<Result>, std::exception_ptr> Connection::ReadOneOutcome(
    bool prepares, std::string_view name, std::chrono::steady_clock::time_point answer_by) {
  PGconn* conn = conn_.get();
  std::optional<ErrorDetails> failure;
  std::optional<Result> result;
  bool skipped = false;
  for (int command = prepares ? 2 : 1; command > 0; --command) {
    PGresult* raw = NextResult(answer_by);
    if (raw == nullptr)  // every command answers before its end marker: the link is gone
      ThrowError(DetailsOf(nullptr, conn));
    Result answer(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (command == 2) {
        prepared_.insert(name);
      } else {
        result.emplace(std::move(answer));
      }
    } else if (status == PGRES_PIPELINE_ABORTED) {
      skipped = !failure;
    } else if (!failure) {
      failure = DetailsOf(raw, conn);
    }
    while (PGresult* end = NextResult(answer_by))  // the NULL that ends the command
      PQclear(end);
  }
  if (failure) {
    try {
      Throw(*failure);
    } catch (...) {
      return {std::nullopt, std::current_exception()};
    }
  }
  if (skipped)
    return {std::nullopt, nullptr};
  return {std::move(result), nullptr};
}

PGresult* Connection::NextResult(std::chrono::steady_clock::time_point answer_by) {
  PGconn* conn = conn_.get();
  while (PQisBusy(conn) != 0) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(answer_by - std::chrono::steady_clock::now());
    if (left.count() <= 0)
      throw ConnectionLost(ClientError("the database did not answer in time"));
    pollfd descriptor{.fd = PQsocket(conn), .events = POLLIN, .revents = 0};
    const int ready = poll(&descriptor, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR)
      throw ConnectionLost(ClientError("could not wait for the database's answer"));
    if (ready > 0 && PQconsumeInput(conn) == 0)
      ThrowError(DetailsOf(nullptr, conn));
  }
  return PQgetResult(conn);
}

Connection::CancelHandles::~CancelHandles() {
  if (socket >= 0)
    close(socket);
}

void Connection::RequestCancel() {
  handles_->cancelled.store(true);
  std::string error;
  if (!PrepareCancel().Send(error))
    spdlog::warn("could not cancel a statement: {}", error);
}

CancelRequest Connection::PrepareCancel() {
  handles_->cancelled.store(true);
  return CancelRequest(handles_->cancel);
}

// Shutting the socket down (not closing it) makes libpq's wait on it fail at once, and leaves
// the descriptors to their owners.
void Connection::Abandon() {
  handles_->cancelled.store(true);
  if (handles_->socket >= 0)
    shutdown(handles_->socket, SHUT_RDWR);
}

bool CancelRequest::Send(std::string& error) const {
  std::array<char, 256> text{};
  if (cancel_ != nullptr && PQcancel(cancel_.get(), text.data(), text.size()) == 1)
    return true;
  error = cancel_ == nullptr ? "no cancel key" : text.data();
  return false;
}

bool Connection::IsOpen() const {
  if (through_ != nullptr)
    return true;
  return conn_ != nullptr && PQstatus(conn_.get()) == CONNECTION_OK &&
         PQpipelineStatus(conn_.get()) == PQ_PIPELINE_OFF;
}

bool Connection::IsAlive() {
  if (!IsOpen())
    return false;
  pollfd descriptor{.fd = PQsocket(conn_.get()), .events = POLLIN, .revents = 0};
  if (poll(&descriptor, 1, 0) <= 0)
    return true;  // nothing pending: the socket is quiet
  // Something arrived on an idle connection: a notification, or the server saying goodbye
  // (a FATAL message followed by end of file, as when it restarts or kills the backend).
  if (PQconsumeInput(conn_.get()) == 0 || PQstatus(conn_.get()) != CONNECTION_OK)
    return false;
  char next = 0;
  return recv(descriptor.fd, &next, 1, MSG_PEEK | MSG_DONTWAIT) != 0;
}

bool Connection::ServerIsReadOnly() const {
  return refused_write_ || ReportedReadOnly(conn_.get()).value_or(false);
}

bool Connection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_.get());
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

}  // namespace nedlia::pg
