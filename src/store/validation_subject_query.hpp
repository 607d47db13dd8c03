#pragma once

#include <cstdint>

#include "domain/validation_rules.hpp"
#include "pg/connection.hpp"

namespace nedlia::store {

/// What the validation rules read about a video, in three set-based queries (placements,
/// their products, those products' campaigns) whatever the number of placements. Each query
/// reads what was committed when it ran (the consumer's transaction is READ COMMITTED): a
/// change committed between them shows in the next run.
domain::ValidationSubject LoadValidationSubject(pg::Connection& connection,
                                                const domain::Uuid& video_id,
                                                std::int64_t duration_ms);

}  // namespace nedlia::store
