#include "pg/errors.hpp"

#include <string_view>
#include <utility>

#include "metrics/registry.hpp"

namespace nedlia::pg {
namespace {

std::string WhatOf(const ErrorDetails& details) {
  std::string what = details.message;
  if (!details.detail.empty())
    what += " (" + details.detail + ")";
  return what;
}

}  // namespace

metrics::Counter& StatementTimeouts() {
  static metrics::Counter& timeouts = metrics::Registry::Process().GetCounter(
      "nedlia_db_statement_timeouts_total",
      "Statements cancelled at a deadline (statement_timeout, lock_timeout or a request's "
      "deadline).");
  return timeouts;
}

Error::Error(ErrorDetails details)
    : std::runtime_error(WhatOf(details)), details_(std::move(details)) {}

ErrorDetails ClientError(std::string message) {
  ErrorDetails details;
  details.message = std::move(message);
  return details;
}

void ThrowError(ErrorDetails details) {
  const std::string_view state = details.sqlstate;
  // No SQLSTATE means libpq failed before the server answered: the socket is gone.
  // 08P01 (protocol violation) is a bug on our side, not a broken link.
  const bool link_broken = state.empty() || (state.starts_with("08") && state != "08P01");
  if (link_broken || state == "57P01" || state == "57P02" || state == "57P03") {
    throw ConnectionLost(std::move(details));
  }
  // In a transaction we began READ ONLY, a write is our bug (the generic Error below).
  if (state == "25006" && details.server_read_only)
    throw ReadOnlyServer(std::move(details));
  if (state == "23505")
    throw UniqueViolation(std::move(details));
  if (state == "23503")
    throw ForeignKeyViolation(std::move(details));
  if (state == "23514")
    throw CheckViolation(std::move(details));
  if (state == "23502")
    throw NotNullViolation(std::move(details));
  if (state == "23P01")
    throw ExclusionViolation(std::move(details));
  if (state.starts_with("23"))
    throw IntegrityViolation(std::move(details));
  if (state == "40001")
    throw SerializationFailure(std::move(details));
  if (state == "40P01")
    throw DeadlockDetected(std::move(details));
  if (state.starts_with("40"))
    throw TransactionRollback(std::move(details));
  if (state.starts_with("22"))
    throw DataException(std::move(details));
  if (state == "42P04" || state == "42P06" || state == "42P07" || state == "42710" ||
      state == "42723")
    throw DuplicateObject(std::move(details));
  if (state == "57014" || state == "55P03") {
    // A statement_timeout, lock_timeout or the deadline watchdog's cancel: every one a deadline.
    StatementTimeouts().Increment();
    throw QueryCanceled(std::move(details));
  }
  throw Error(std::move(details));
}

}  // namespace nedlia::pg
