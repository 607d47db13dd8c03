#include "repositories/job_runs.hpp"

#include <spdlog/spdlog.h>

#include <string>

#include "pg/params.hpp"

namespace nedlia::repositories {
namespace {

const pg::Statement kSucceeded{"job_runs_succeeded", R"sql(
    INSERT INTO job_runs (job, last_success_at, successes, rows_total) VALUES ($1, now(), 1, $2)
    ON CONFLICT (job) DO UPDATE
    SET last_success_at = now(), successes = job_runs.successes + 1,
        rows_total = job_runs.rows_total + EXCLUDED.rows_total)sql"};

const pg::Statement kFailed{"job_runs_failed", R"sql(
    INSERT INTO job_runs (job, last_failure_at, last_error, failures) VALUES ($1, now(), $2, 1)
    ON CONFLICT (job) DO UPDATE
    SET last_failure_at = now(), last_error = EXCLUDED.last_error,
        failures = job_runs.failures + 1)sql"};

}  // namespace

void RecordJobSuccess(pg::Connection& connection, std::string_view job, std::int64_t rows) {
  connection.Execute(kSucceeded, pg::Params(std::string(job), rows));
}

void RecordJobFailure(pg::Connection& connection, std::string_view job,
                      std::string_view error) noexcept {
  try {
    connection.Execute(kFailed, pg::Params(std::string(job), std::string(error)));
  } catch (const std::exception& failure) {
    spdlog::debug("could not record the failure of job {}: {}", job, failure.what());
  }
}

}  // namespace nedlia::repositories
