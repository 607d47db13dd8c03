#pragma once

#include <functional>

#include "consumers/consumer.hpp"
#include "domain/date.hpp"
#include "domain/validation_rules.hpp"
#include "events/envelope.hpp"

namespace nedlia::validator {

inline constexpr const char* kValidatorName = "validator";

/// The one event the validator acts on; the catalog routes exactly it to the validator (a test
/// holds them together), and the validator subscribes to what the catalog routes.
inline constexpr const char* kValidationRequested = "com.nedlia.video.validation_requested.v1";

struct ValidatorSettings {
  domain::ValidationLimits limits;
  /// Stamped on the events it emits.
  events::EnvelopeSettings envelope;
  /// Today's date for the campaign rules (UTC by default; tests pin it).
  std::function<domain::Date()> today;
  /// Attempts at one request before the run is failed with the last error.
  int max_attempts = 5;
};

/// Today in UTC.
domain::Date TodayUtc();

/// The consumer that runs validation runs: on com.nedlia.video.validation_requested.v1 it
/// validates the run's video in the delivery transaction, so the run's final state, its
/// completed or failed event and the request's processed mark commit together and a
/// redelivered request never validates twice. A request that keeps failing becomes a dead
/// letter and its run ends failed with the error, never pending for ever.
consumers::Consumer MakeValidator(pg::Pool& pool, ValidatorSettings settings);

}  // namespace nedlia::validator
