#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nedlia::backup {

/// A point in time as PostgreSQL keeps it: microseconds since the Unix epoch, UTC. Recovery
/// targets need this precision: two commits a millisecond apart must stay apart.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

/// Parses ISO 8601 / PostgreSQL timestamptz text: `YYYY-MM-DD[T ]HH:MM:SS[.ffffff]` followed by
/// `Z`, `+HH`, `+HH:MM` or `+HHMM` (a zone is required: a restore target must not depend on the
/// local clock's zone). std::nullopt when the text is not such a time.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

/// `2026-12-02T02:15:00.123456Z`: what ParseTimestamp reads back, and PostgreSQL too.
std::string FormatTimestamp(Timestamp time);

/// `2026-12-02 02:15:00.123456+00`: the form recovery_target_time accepts (its check rejects
/// the ISO `T`/`Z` form).
std::string FormatPostgresTimestamp(Timestamp time);

/// The current time.
Timestamp Now();

}  // namespace nedlia::backup
