#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cli/settings.hpp"
#include "pg/connection.hpp"
#include "retention/purges.hpp"

namespace nedlia::cli {

/// Records a periodic job's outcome in job_runs (store/job_runs.hpp) on a connection of its
/// own, for the metrics every process exports; `error` null means it succeeded, having moved
/// `rows`. Never throws: a database that cannot be reached is logged and the job's own result
/// stands.
void RecordJobOutcome(const Settings& settings, std::string_view job, std::int64_t rows,
                      const char* error) noexcept;

/// Records a retention run on `connection`: a success when every purge succeeded (with the
/// rows they deleted), else a failure naming the purges that failed.
void RecordPurges(pg::Connection& connection, const std::vector<retention::PurgeOutcome>& outcomes);

/// Runs `body` (which returns the rows it moved, or void) and records its outcome; rethrows
/// what it throws.
template <typename Body>
auto RecordingJob(const Settings& settings, std::string_view job, Body&& body) {
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      RecordJobOutcome(settings, job, 0, nullptr);
    } else {
      auto result = body();
      RecordJobOutcome(settings, job, 0, nullptr);
      return result;
    }
  } catch (const std::exception& error) {
    RecordJobOutcome(settings, job, 0, error.what());
    throw;
  }
}

}  // namespace nedlia::cli
