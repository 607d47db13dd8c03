#pragma once

#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "pg/params.hpp"
#include "pg/result.hpp"

namespace nedlia::pg {

class Error;
struct ErrorDetails;
class SharedReader;

/// Turns a database error into the caller's own exception (it throws), or returns to let the
/// error through unchanged. A plain function: deferred statements outlive their callers' frames.
using ErrorTranslator = void (*)(const Error&);

/// A named statement, prepared on a connection the first time it is used there.
/// Define them as constants next to the repository that owns the SQL.
struct Statement {
  std::string_view name;
  std::string_view sql;
};

/// Which servers a connection accepts (libpq's target_session_attrs; a URL that sets it wins).
enum class TargetSession {
  kAny,        ///< whatever answers first: a replica, or any single-host URL
  kReadWrite,  ///< the primary: of a multi-host URL's hosts, the one that takes writes
};

/// One statement of a batch sent with Connection::ExecuteEach.
struct BatchStatement {
  const Statement* statement;  ///< an empty name: an unnamed statement, parsed each time
  const Params* params;
};

/// How Connection::ExecuteEach hands over one statement's outcome, by its index in the batch:
/// its result, or (result null) its error as the exception Execute would have thrown.
using BatchOutcome =
    std::function<void(std::size_t index, Result* result, std::exception_ptr error)>;

/// A cancel request for one backend, sendable from any thread (PQcancel).
class CancelRequest {
 public:
  explicit CancelRequest(std::shared_ptr<PGcancel> cancel) : cancel_(std::move(cancel)) {}
  /// Sends it and waits for the server to take it; false (with the reason) when it failed.
  bool Send(std::string& error) const;

 private:
  std::shared_ptr<PGcancel> cancel_;
};

/// One libpq connection (move-only). Every call either returns a result or throws a typed
/// pg::Error (see errors.hpp); a broken socket becomes ConnectionLost.
class Connection {
 public:
  /// Connects; throws ConnectionLost with the server's message (the URL's password is never
  /// part of it) when the server cannot be reached, or when none of the URL's hosts is one
  /// `target` accepts. connect_timeout applies to each host in turn.
  static Connection Open(const std::string& url,
                         std::chrono::seconds connect_timeout = std::chrono::seconds(10),
                         TargetSession target = TargetSession::kAny);

  /// A connection that runs its statements on `reader`'s shared connections, each giving up at
  /// `deadline`: for stores that only read. Execute works as on a connection of one's own in
  /// autocommit (each statement sees what was committed when it ran); what needs a session
  /// (ExecuteScript, CopyOut, Defer, ExecuteThen) throws std::logic_error, and Native is null.
  /// `reader` must outlive it.
  static Connection Through(SharedReader& reader, std::chrono::steady_clock::time_point deadline);

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() = default;

  /// One statement with bound parameters (extended protocol, unnamed statement).
  Result Execute(std::string_view sql, const Params& params = Params());
  /// A prepared statement; prepared on this connection on first use.
  Result Execute(const Statement& statement, const Params& params = Params());
  /// Several statements separated by ';' without parameters (simple protocol): scripts such
  /// as migrations. Returns the last statement's result.
  Result ExecuteScript(std::string_view sql);

  /// Runs `COPY (...) TO STDOUT` (text format) and hands each row to `row` as it arrives, as
  /// one line without its newline, fields separated by tabs and escaped as COPY writes them
  /// (see archive/copy_text.hpp). Returns the number of rows. Throws like Execute; an
  /// exception from `row` is rethrown once the server has been told to stop (the connection
  /// stays usable).
  std::int64_t CopyOut(std::string_view copy_sql,
                       const std::function<void(std::string_view row)>& row);

  /// Queues a statement whose result the caller does not need (BEGIN, an outbox INSERT). It
  /// travels with the next Execute or ExecuteScript in the same round trip (libpq pipeline
  /// mode), in order, and that call throws its error, if any: the server then skips the
  /// statements after it.
  void Defer(std::string_view sql, Params params = Params());
  /// `translate`, if given, sees this statement's error before it is thrown (to raise, say, a
  /// conflict the caller understands, as it would around an immediate Execute).
  void Defer(const Statement& statement, Params params = Params(),
             ErrorTranslator translate = nullptr);
  /// Sends `statement`, then `then_sql` (a COMMIT), with whatever is queued, in one round trip,
  /// and returns the statement's result. Throws the first error, as Execute does.
  Result ExecuteThen(const Statement& statement, const Params& params, std::string_view then_sql);
  /// Sends every statement of `batch` in one write (pipeline mode, one Sync: an implicit
  /// transaction, in which each statement takes a snapshot of its own under READ COMMITTED)
  /// and hands each one's outcome to `outcome` as it arrives, in order. The first error ends the
  /// batch: the server skips the statements after it, which are not handed over. Throws
  /// ConnectionLost when the link breaks or an answer has not arrived by `answer_by`; the
  /// connection is then no longer usable (IsOpen is false).
  void ExecuteEach(const std::vector<BatchStatement>& batch, const BatchOutcome& outcome,
                   std::chrono::steady_clock::time_point answer_by);

  /// Forgets the queued statements (they were never sent).
  void DropDeferred() { deferred_.clear(); }
  bool HasDeferred() const { return !deferred_.empty(); }

  /// True while libpq believes the connection is usable.
  bool IsOpen() const;
  /// Checks without a round trip whether the server closed the socket meanwhile (for example
  /// when it restarted); an idle healthy connection answers true.
  bool IsAlive();
  /// True when the server takes no writes, as it last reported (a standby, or
  /// default_transaction_read_only on; PostgreSQL reports both whenever they change, with the
  /// answer to the next statement), or refused one of ours with ReadOnlyServer. No round trip.
  bool ServerIsReadOnly() const;
  /// True when the session is inside a transaction block (or a failed one).
  bool InTransaction() const;
  /// The server's version as an integer (150004 for 15.4).
  int ServerVersion() const { return PQserverVersion(conn_.get()); }
  /// Asks the server to cancel the statement running now (if any); callable from any thread
  /// while another uses the connection. The request may land after that statement has ended,
  /// on a later one, so a connection cancelled this way is never reused (see WasCancelled).
  void RequestCancel();
  /// What RequestCancel sends, to be sent later by another thread (sending blocks until the
  /// server answers, which one that no longer answers never does); the connection counts as
  /// cancelled from now. It shares what it sends: it may outlive the connection.
  CancelRequest PrepareCancel();
  /// Shuts the socket down under the statement running now, callable from any thread while
  /// another uses the connection: that call fails at once with ConnectionLost. For a server (or
  /// a network) so silent that a cancel never arrives; the connection is never reused.
  void Abandon();
  bool WasCancelled() const { return handles_->cancelled.load(); }
  /// The native handle, for LISTEN/NOTIFY and COPY.
  PGconn* Native() const { return conn_.get(); }

 private:
  /// A statement waiting for the next round trip. `name` views a Statement's name (static
  /// storage); empty for an unnamed statement.
  struct Deferred {
    std::string_view name;
    std::string sql;
    Params params;
    ErrorTranslator translate = nullptr;
    bool wanted = false;  ///< its result is the batch's, whatever follows it
  };
  /// A command sent in a pipeline: the statement name it prepares (empty for an execution) and
  /// the translator of the statement it belongs to.
  struct Sent {
    std::string_view prepares;
    ErrorTranslator translate = nullptr;
    bool wanted = false;
  };

  /// What other threads use to end the statement running now (RequestCancel, PrepareCancel,
  /// Abandon), all made by Open: libpq allows a PGconn one thread at a time, so they never
  /// touch it. On the heap, so that the connection stays movable.
  struct CancelHandles {
    CancelHandles() = default;
    CancelHandles(const CancelHandles&) = delete;
    CancelHandles& operator=(const CancelHandles&) = delete;
    ~CancelHandles();

    std::atomic<bool> cancelled{false};
    std::shared_ptr<PGcancel> cancel;  ///< shared with the CancelRequests made of it
    /// A duplicate of libpq's socket, not libpq's own descriptor: libpq closes that when the
    /// connection fails, after which its number may be another socket's (a client's, another
    /// connection's) by the time a watchdog shuts it down. This one stays ours until the end.
    int socket = -1;
  };

  explicit Connection(PGconn* conn);
  /// Throws std::logic_error when this connection runs through a SharedReader.
  void RequireSession(std::string_view operation) const;
  Result Check(PGresult* result);
  /// The next result, waiting for the server no later than `answer_by` (ConnectionLost).
  PGresult* NextResult(std::chrono::steady_clock::time_point answer_by);
  /// One statement's answers in ExecuteEach: its result, or the exception Execute would throw,
  /// or neither when the server skipped it after an earlier error.
  std::pair<std::optional<Result>, std::exception_ptr> ReadOneOutcome(
      bool prepares, std::string_view name, std::chrono::steady_clock::time_point answer_by);
  /// Throws the error `details` describe, noting first whether the server is read-only.
  [[noreturn]] void Throw(ErrorDetails details, ErrorTranslator translate = nullptr);
  Result SendDeferred();
  void SendOne(const Deferred& statement, std::vector<Sent>& commands);
  bool SendStatement(std::string_view name, std::string_view sql, const Params& params,
                     bool preparing);
  Result ReadPipelineResults(const std::vector<Sent>& commands);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  SharedReader* through_ = nullptr;  ///< set by Through: statements run on the reader's
  std::chrono::steady_clock::time_point through_deadline_;
  std::unique_ptr<CancelHandles> handles_ = std::make_unique<CancelHandles>();
  std::unordered_set<std::string_view> prepared_;
  std::vector<Deferred> deferred_;
  bool refused_write_ = false;  ///< the server answered ReadOnlyServer
};

}  // namespace nedlia::pg
