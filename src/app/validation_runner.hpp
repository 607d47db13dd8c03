#pragma once

#include <string>

#include "app/ports/database.hpp"
#include "domain/date.hpp"
#include "domain/validation_rules.hpp"

namespace nedlia::app {

/// What became of a run the validator was asked to run.
enum class ValidationOutcome {
  kCompleted,  ///< validated; com.nedlia.video.validation_completed.v1 emitted
  kFailed,     ///< could not be validated; com.nedlia.video.validation_failed.v1 emitted
  kSkipped,    ///< already completed or failed (a redelivery), or deleted: nothing done
};

/// Runs a validation run in the caller's transaction: pending → running → completed, with its
/// issues, summary and event; or failed, with its reason and event, when its video is gone
/// (deleted, or archived meanwhile). A run already ended is left alone, so running the same
/// request twice validates once. `today` dates the campaign rules. The events carry the
/// transaction's call context (the worker makes it the requester's, with the request's trace).
ValidationOutcome RunValidation(Transaction& tx, const domain::Uuid& run_id, domain::Date today,
                                const domain::ValidationLimits& limits);

/// Ends a run that could not be validated (the validator gave up on it) as failed with
/// `reason`, and emits com.nedlia.video.validation_failed.v1; kSkipped for a run already
/// ended or deleted.
ValidationOutcome FailValidation(Transaction& tx, const domain::Uuid& run_id,
                                 const std::string& reason);

}  // namespace nedlia::app
