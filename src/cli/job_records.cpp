#include "cli/job_records.hpp"

#include <spdlog/spdlog.h>

#include "cli/database_access.hpp"
#include "pg/connection.hpp"
#include "repositories/job_runs.hpp"

namespace nedlia::cli {

void RecordJobOutcome(const Settings& settings, std::string_view job, std::int64_t rows,
                      const char* error) noexcept {
  try {
    pg::Connection connection =
        pg::Connection::Open(ResolveDatabaseUrl(settings), std::chrono::seconds(5));
    if (error == nullptr) {
      repositories::RecordJobSuccess(connection, job, rows);
    } else {
      repositories::RecordJobFailure(connection, job, error);
    }
  } catch (const std::exception& failure) {
    spdlog::warn("could not record the outcome of job {} in job_runs: {}", job, failure.what());
  }
}

void RecordPurges(pg::Connection& connection,
                  const std::vector<retention::PurgeOutcome>& outcomes) {
  std::int64_t rows = 0;
  std::string failed;
  for (const retention::PurgeOutcome& outcome : outcomes) {
    rows += outcome.count;
    if (!outcome.error.empty())
      failed += (failed.empty() ? "" : "; ") + outcome.what + ": " + outcome.error;
  }
  try {
    if (failed.empty()) {
      repositories::RecordJobSuccess(connection, repositories::kRetentionJob, rows);
    } else {
      repositories::RecordJobFailure(connection, repositories::kRetentionJob, failed);
    }
  } catch (const std::exception& error) {
    spdlog::warn("could not record the retention run in job_runs: {}", error.what());
  }
}

}  // namespace nedlia::cli
