#include "store/validation_run_rows.hpp"

#include <string>

#include "store/row_mapping.hpp"
#include "store/validation_report_json.hpp"
#include "store/validation_subject_query.hpp"

namespace nedlia::store {
namespace {

// The columns every query returns, in the order RowToRun reads them. NULL documents read as
// what they default to (issues) or stay null (summary).
const std::string kRunColumns =
    "r.id, r.video_id, r.status, " + EpochMs("r.started_at") + ", " + EpochMs("r.completed_at") +
    ", COALESCE(r.issues, '[]')::text, r.summary::text, r.requested_by, " +
    EpochMs("r.created_at") + ", " + EpochMs("r.updated_at");
// A list never reads the issues: a run may have 100,000 of them (GET .../issues pages them).
const std::string kListColumns = "r.id, r.video_id, r.status, " + EpochMs("r.started_at") + ", " +
                                 EpochMs("r.completed_at") +
                                 ", '[]', r.summary::text, r.requested_by, " +
                                 EpochMs("r.created_at") + ", " + EpochMs("r.updated_at");
// Tenancy: a run belongs to the advertiser of the key that requested it (none for admin keys).
const std::string kOwnedFrom =
    " FROM validation_runs r LEFT JOIN api_keys k ON k.id = r.requested_by";

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql = "SELECT " + kRunColumns + ", k.advertiser_id" + kOwnedFrom +
                             " WHERE r.id = $1 AND r.deleted_at IS NULL";
const std::string kInsertSql = R"sql(
    INSERT INTO validation_runs AS r (id, video_id, status, requested_by, created_by)
    VALUES ($1, $2, $3, $4, $4)
    RETURNING )sql" + kRunColumns;

const std::string kLockSql = kFindSql + " FOR UPDATE OF r";

// The n-th issue is the n-th element of the run's array, in the rules' deterministic order.
const pg::Statement kIssues{"validation_run_issues", R"sql(
    SELECT i.value::text FROM validation_runs r
    CROSS JOIN LATERAL json_array_elements(r.issues) WITH ORDINALITY AS i(value, n)
    WHERE r.id = $1 AND i.n > $2 ORDER BY i.n LIMIT $3)sql"};
const pg::Statement kFind{"validation_run_find", kFindSql};
const std::string kFindWithoutIssuesSql = "SELECT " + kListColumns + ", k.advertiser_id" +
                                          kOwnedFrom + " WHERE r.id = $1 AND r.deleted_at IS NULL";
const pg::Statement kFindWithoutIssues{"validation_run_find_without_issues", kFindWithoutIssuesSql};
const pg::Statement kLock{"validation_run_lock", kLockSql};
// clock_timestamp(), not now(): now() is when the transaction began, and the delivery
// transaction may have handled other events before this one.
const pg::Statement kMarkRunning{"validation_run_running", R"sql(
    UPDATE validation_runs SET status = 'running', started_at = clock_timestamp()
    WHERE id = $1)sql"};
const pg::Statement kComplete{"validation_run_complete", R"sql(
    UPDATE validation_runs
    SET status = 'completed', completed_at = clock_timestamp(), issues = $2::json,
        summary = $3::jsonb
    WHERE id = $1)sql"};
// A failed run has no issues; its summary says why it failed.
const pg::Statement kFail{"validation_run_fail", R"sql(
    UPDATE validation_runs
    SET status = 'failed', started_at = COALESCE(started_at, clock_timestamp()),
        completed_at = clock_timestamp(), issues = '[]', summary = jsonb_build_object('error', $2::text)
    WHERE id = $1)sql"};
const pg::Statement kInsert{"validation_run_insert", kInsertSql};
// Row locks make concurrent deletes take turns; the loser finds deleted_at set and no row.
const pg::Statement kSoftDelete{"validation_run_soft_delete", R"sql(
    UPDATE validation_runs SET deleted_at = now()
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING video_id)sql"};

domain::ValidationRun RowToRun(const pg::Row& row) {
  return domain::ValidationRun{.id = row[0].As<domain::Uuid>(),
                               .video_id = row[1].As<domain::Uuid>(),
                               .status = StatusOf<domain::ValidationRunStatus>(row[2]),
                               .started_at = row[3].As<std::optional<std::int64_t>>(),
                               .completed_at = row[4].As<std::optional<std::int64_t>>(),
                               .issues = row[5].As<std::string>(),
                               .summary = row[6].As<std::optional<std::string>>(),
                               .requested_by = row[7].As<std::optional<domain::Uuid>>(),
                               .created_at = row[8].As<std::int64_t>(),
                               .updated_at = row[9].As<std::int64_t>()};
}

app::OwnedValidationRun RowToOwnedRun(const pg::Row& row) {
  return {RowToRun(row), row[10].As<std::optional<domain::Uuid>>()};
}

}  // namespace

std::optional<app::OwnedValidationRun> ValidationRunRows::Find(const domain::Uuid& id) {
  const pg::Result result = connection_.Execute(kFind, pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToOwnedRun(result[0]);
}

std::optional<app::OwnedValidationRun> ValidationRunRows::FindWithoutIssues(
    const domain::Uuid& id) {
  const pg::Result result = connection_.Execute(kFindWithoutIssues, pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToOwnedRun(result[0]);
}

std::vector<std::string> ValidationRunRows::Issues(const domain::Uuid& id, std::int64_t after,
                                                   int limit) {
  std::vector<std::string> issues;
  for (const pg::Row row : connection_.Execute(kIssues, pg::Params(id, after, limit)))
    issues.push_back(row[0].As<std::string>());
  return issues;
}

app::Page<app::OwnedValidationRun> ValidationRunRows::List(const app::ValidationRunFilter& filter,
                                                           const app::PageRequest& page) {
  // Fixed fragments chosen by which filters are present; every value is a bound parameter.
  std::string sql =
      "SELECT " + kListColumns + ", k.advertiser_id" + kOwnedFrom + " WHERE r.deleted_at IS NULL";
  pg::Params params;
  auto where = [&](const char* condition, const auto& value) {
    params.Add(value);
    sql += std::string(" AND ") + condition + std::to_string(params.Count());
  };
  if (filter.video_id)
    where("r.video_id = $", *filter.video_id);
  if (filter.status)
    where("r.status = $", std::string(ToString(*filter.status)));
  if (filter.advertiser_id)
    where("k.advertiser_id = $", *filter.advertiser_id);
  if (page.after)
    where("r.id > $", *page.after);
  params.Add(page.limit + 1);
  sql += " ORDER BY r.id LIMIT $" + std::to_string(params.Count());

  app::Page<app::OwnedValidationRun> result;
  for (const pg::Row& row : connection_.Execute(sql, params))
    result.items.push_back(RowToOwnedRun(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().run.id;
  }
  return result;
}

domain::ValidationRun ValidationRunRows::Insert(const domain::ValidationRun& run) {
  const pg::Params params(run.id, run.video_id, std::string(ToString(run.status)),
                          run.requested_by);
  return RowToRun(connection_.Execute(kInsert, params).Single());
}

std::optional<domain::Uuid> ValidationRunRows::SoftDelete(const domain::Uuid& id) {
  const pg::Result result = connection_.Execute(kSoftDelete, pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return result[0][0].As<domain::Uuid>();
}

std::optional<app::OwnedValidationRun> ValidationRunRows::Lock(const domain::Uuid& id) {
  const pg::Result result = connection_.Execute(kLock, pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToOwnedRun(result[0]);
}

void ValidationRunRows::MarkRunning(const domain::Uuid& id) {
  connection_.Execute(kMarkRunning, pg::Params(id));
}

domain::ValidationSubject ValidationRunRows::LoadSubject(
    const domain::Uuid& video_id, std::int64_t duration_ms,
    const std::optional<domain::Uuid>& advertiser) {
  return LoadValidationSubject(connection_, video_id, duration_ms, advertiser);
}

void ValidationRunRows::Complete(const domain::Uuid& id, const domain::ValidationReport& report) {
  connection_.Execute(kComplete,
                      pg::Params(id, IssuesJson(report.issues), SummaryJson(report.summary)));
}

void ValidationRunRows::Fail(const domain::Uuid& id, const std::string& error) {
  connection_.Execute(kFail, pg::Params(id, error));
}

}  // namespace nedlia::store
