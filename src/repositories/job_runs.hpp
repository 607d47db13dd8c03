#pragma once

#include <cstdint>
#include <string_view>

#include "pg/connection.hpp"

namespace nedlia::repositories {

// The periodic jobs recorded in job_runs, by name.
inline constexpr std::string_view kArchiveJob = "archive";
inline constexpr std::string_view kBackupJob = "backup";
inline constexpr std::string_view kPartitionUpkeepJob = "partition_upkeep";
inline constexpr std::string_view kRetentionJob = "retention";

/// Records that `job` succeeded now, having moved `rows` (added to its rows_total). In a
/// statement of its own (autocommit) unless the connection is inside a transaction.
void RecordJobSuccess(pg::Connection& connection, std::string_view job, std::int64_t rows = 0);
/// Records that `job` failed now with `error`. Never throws: a job that failed because the
/// database is away cannot record it, and its caller is already reporting a failure.
void RecordJobFailure(pg::Connection& connection, std::string_view job,
                      std::string_view error) noexcept;

}  // namespace nedlia::repositories
