#pragma once

#include <stdexcept>
#include <string>

#include "metrics/registry.hpp"

namespace nedlia::pg {

/// What the server (or libpq) said about a failed statement. SQLSTATE stays inside src/pg and
/// the repositories: callers above them see application errors.
struct ErrorDetails {
  std::string sqlstate;    ///< five characters, empty when libpq failed before the server spoke
  std::string message;     ///< the primary message
  std::string detail;      ///< DETAIL, if any
  std::string constraint;  ///< the violated constraint's name, if any
  std::string table;
  std::string column;
  int position = 0;  ///< 1-based character offset of the error in the statement text, 0 if none
  /// The server said, when the error came, that it takes no writes at all (a standby, or
  /// default_transaction_read_only on): tells a 25006 of a read-only *server* from a write in
  /// a transaction we began READ ONLY ourselves.
  bool server_read_only = false;
};

/// Base of every database error; says whether running the transaction again may succeed.
class Error : public std::runtime_error {
 public:
  explicit Error(ErrorDetails details);
  const ErrorDetails& Details() const { return details_; }
  const std::string& SqlState() const { return details_.sqlstate; }
  const std::string& Constraint() const { return details_.constraint; }
  virtual bool IsRetryable() const { return false; }

 private:
  ErrorDetails details_;
};

/// The connection broke (class 08, admin shutdown, or a dead socket). Retryable before COMMIT.
class ConnectionLost : public Error {
 public:
  using Error::Error;
  bool IsRetryable() const override { return true; }
};

/// 25006 from a server that takes no writes: a standby, or a primary set read-only. After a
/// failover this is the old primary turned standby, or a host a multi-host URL reached without
/// target_session_attrs=read-write. Nothing was written. The connection is useless for writing,
/// so it counts as lost: the pool drops it (Connection::ServerIsReadOnly), and the retry, on a
/// new connection, finds the primary when the URL lists it (or fails as unavailable).
class ReadOnlyServer : public ConnectionLost {
 public:
  using ConnectionLost::ConnectionLost;
};

/// The connection broke while COMMIT was in flight: the transaction may or may not have
/// committed, so it must never be retried blindly.
class TransactionInDoubt : public Error {
 public:
  using Error::Error;
};

/// Class 23: the data broke a declared rule.
class IntegrityViolation : public Error {
 public:
  using Error::Error;
};
class UniqueViolation : public IntegrityViolation {
 public:
  using IntegrityViolation::IntegrityViolation;
};
class ForeignKeyViolation : public IntegrityViolation {
 public:
  using IntegrityViolation::IntegrityViolation;
};
class CheckViolation : public IntegrityViolation {
 public:
  using IntegrityViolation::IntegrityViolation;
};
class NotNullViolation : public IntegrityViolation {
 public:
  using IntegrityViolation::IntegrityViolation;
};
class ExclusionViolation : public IntegrityViolation {
 public:
  using IntegrityViolation::IntegrityViolation;
};

/// Class 40: the server rolled the transaction back; running it again is the cure.
class TransactionRollback : public Error {
 public:
  using Error::Error;
  bool IsRetryable() const override { return true; }
};
class SerializationFailure : public TransactionRollback {
 public:
  using TransactionRollback::TransactionRollback;
};
class DeadlockDetected : public TransactionRollback {
 public:
  using TransactionRollback::TransactionRollback;
};

/// Class 22: a value the server could not accept (bad number, string too long, ...).
class DataException : public Error {
 public:
  using Error::Error;
};

/// 57014: statement_timeout or lock_timeout fired, or the query was cancelled.
class QueryCanceled : public Error {
 public:
  using Error::Error;
};

/// 42P04, 42P06, 42P07, 42710, 42723: CREATE of a database, schema, table or other object whose
/// name is taken (by another process that got there first, typically).
class DuplicateObject : public Error {
 public:
  using Error::Error;
};

/// Throws the exception type that matches details.sqlstate (the one switch on SQLSTATE).
[[noreturn]] void ThrowError(ErrorDetails details);

/// Details with only a message: for failures libpq reports before any server answer.
ErrorDetails ClientError(std::string message);

/// A NULL arrived where the caller asked for a non-optional value: a bug, not a data error.
class UnexpectedNull : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A field's text could not be converted to the requested C++ type: a bug in the query.
class ConversionError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// nedlia_db_statement_timeouts_total: statements cancelled at a deadline, in this process.
metrics::Counter& StatementTimeouts();

}  // namespace nedlia::pg
