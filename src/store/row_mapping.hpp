#pragma once

#include <string>
#include <string_view>

#include "domain/decimal.hpp"
#include "domain/entities.hpp"
#include "pg/result.hpp"

namespace nedlia::store {

/// SQL for a timestamptz column as integer milliseconds since the epoch.
inline std::string EpochMs(std::string_view column) {
  return "(extract(epoch FROM " + std::string(column) + ") * 1000)::int8";
}

/// A NUMERIC column's text as a scaled integer (exact); throws pg::ConversionError otherwise.
std::int64_t ScaledDecimal(const pg::Field& field, int decimals);

/// A status column's text as its enum; throws pg::ConversionError for an unknown value.
template <typename Status>
Status StatusOf(const pg::Field& field);

/// A date column formatted as to_char(column, 'YYYY-MM-DD'); throws pg::ConversionError
/// otherwise.
domain::Date DateOf(const pg::Field& field);

/// Reads a position JSON object ({"x","y","width","height"}); nullopt for NULL.
std::optional<domain::Position> PositionOf(const pg::Field& field);
/// The JSON text stored for a position.
std::string PositionJson(const domain::Position& position);

}  // namespace nedlia::store
