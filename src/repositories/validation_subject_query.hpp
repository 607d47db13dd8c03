#pragma once

#include <cstdint>
#include <optional>

#include "domain/validation_rules.hpp"
#include "pg/connection.hpp"

namespace nedlia::repositories {

/// What the validation rules read about a video, in three set-based queries (placements,
/// their products, those products' campaigns) whatever the number of placements. Each query
/// reads what was committed when it ran (the consumer's transaction is READ COMMITTED): a
/// change committed between them shows in the next run. With an `advertiser` (a run that
/// advertiser's key requested), only its placements are reported and only its products and
/// campaigns are read; the other placements are there for what they take of the screen.
domain::ValidationSubject LoadValidationSubject(
    pg::Connection& connection, const domain::Uuid& video_id, std::int64_t duration_ms,
    const std::optional<domain::Uuid>& advertiser = std::nullopt);

}  // namespace nedlia::repositories
