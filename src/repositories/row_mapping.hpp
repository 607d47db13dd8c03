#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/decimal.hpp"
#include "domain/entities.hpp"
#include "pg/result.hpp"
#include "repositories/select_list.hpp"

namespace nedlia::repositories {

/// SQL for a timestamptz column as integer milliseconds since the epoch.
inline std::string EpochMs(std::string_view column) {
  return "(extract(epoch FROM " + std::string(column) + ") * 1000)::int8";
}

/// Where a select list has the audit columns every entity table ends with.
struct AuditColumns {
  int created_at = 0;
  int updated_at = 0;
  int created_by = 0;
  int version = 0;
};

/// The select list of an entity table, which adds its audit columns with AddAudit.
class EntityColumns : public SelectList {
 protected:
  /// created_at and updated_at (as epoch milliseconds), created_by and version of the table
  /// aliased `alias`.
  AuditColumns AddAudit(std::string_view alias) {
    const std::string prefix = std::string(alias) + ".";
    return {.created_at = Add(EpochMs(prefix + "created_at")),
            .updated_at = Add(EpochMs(prefix + "updated_at")),
            .created_by = Add(prefix + "created_by"),
            .version = Add(prefix + "version")};
  }
};

/// The audit columns of a row, where `at` says.
domain::Audit AuditOf(const pg::Row& row, const AuditColumns& at);

/// A NUMERIC column's text as a scaled integer (exact); throws pg::ConversionError otherwise.
std::int64_t ScaledDecimal(const pg::Field& field, int decimals);

/// A status column's text as its enum; throws pg::ConversionError for an unknown value.
template <typename Status>
Status StatusOf(const pg::Field& field);

/// A status filter as the text its column holds; nullopt when absent.
template <typename Status>
std::optional<std::string> StatusText(const std::optional<Status>& status) {
  if (!status)
    return std::nullopt;
  return std::string(ToString(*status));
}

/// A date column formatted as to_char(column, 'YYYY-MM-DD'); throws pg::ConversionError
/// otherwise.
domain::Date DateOf(const pg::Field& field);

/// Reads a position JSON object ({"x","y","width","height"}); nullopt for NULL.
std::optional<domain::Position> PositionOf(const pg::Field& field);
/// The JSON text stored for a position.
std::string PositionJson(const domain::Position& position);

}  // namespace nedlia::repositories
