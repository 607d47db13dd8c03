#include "repositories/validation_run_rows.hpp"

#include <string>

#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"
#include "repositories/select_list.hpp"
#include "repositories/validation_report_json.hpp"
#include "repositories/validation_subject_query.hpp"

namespace nedlia::repositories {
namespace {

// The columns every query returns, and where RowToRun finds each. NULL documents read as what
// they default to (issues) or stay null (summary).
class RunColumns : public SelectList {
 public:
  /// `issues_expression`: what the issues column holds.
  explicit RunColumns(std::string_view issues_expression)
      : id(Add("r.id")),
        video_id(Add("r.video_id")),
        status(Add("r.status")),
        started_at(Add(EpochMs("r.started_at"))),
        completed_at(Add(EpochMs("r.completed_at"))),
        issues(Add(issues_expression)),
        summary(Add("r.summary::text")),
        requested_by(Add("r.requested_by")),
        created_at(Add(EpochMs("r.created_at"))),
        updated_at(Add(EpochMs("r.updated_at"))),
        owner(Count()) {}

  int id, video_id, status, started_at, completed_at, issues, summary, requested_by, created_at,
      updated_at;
  int owner;  ///< the owned queries add the requesting key's advertiser after the run's columns
};
const RunColumns kRunColumn("COALESCE(r.issues, '[]')::text");
const std::string kRunColumns = kRunColumn.Sql();
// A list never reads the issues: a run may have 100,000 of them (GET .../issues pages them).
const RunColumns kListColumn("'[]'");
const std::string kListColumns = kListColumn.Sql();
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

// The n-th issue is the n-th element of the run's array, in the rules' deterministic order.
const pg::Statement kIssues{"validation_run_issues", R"sql(
    SELECT i.value::text FROM validation_runs r
    CROSS JOIN LATERAL json_array_elements(r.issues) WITH ORDINALITY AS i(value, n)
    WHERE r.id = $1 AND i.n > $2 ORDER BY i.n LIMIT $3)sql"};
// Locks the run only, never its key.
const LockedFind kFind{"validation_run_find", kFindSql, "r"};
const std::string kFindWithoutIssuesSql = "SELECT " + kListColumns + ", k.advertiser_id" +
                                          kOwnedFrom + " WHERE r.id = $1 AND r.deleted_at IS NULL";
const pg::Statement kFindWithoutIssues{"validation_run_find_without_issues", kFindWithoutIssuesSql};
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
  // Both lists have the same positions.
  const RunColumns& at = kRunColumn;
  return domain::ValidationRun{
      .id = row[at.id].As<domain::Uuid>(),
      .video_id = row[at.video_id].As<domain::Uuid>(),
      .status = StatusOf<domain::ValidationRunStatus>(row[at.status]),
      .started_at = row[at.started_at].As<std::optional<std::int64_t>>(),
      .completed_at = row[at.completed_at].As<std::optional<std::int64_t>>(),
      .issues = row[at.issues].As<std::string>(),
      .summary = row[at.summary].As<std::optional<std::string>>(),
      .requested_by = row[at.requested_by].As<std::optional<domain::Uuid>>(),
      .created_at = row[at.created_at].As<std::int64_t>(),
      .updated_at = row[at.updated_at].As<std::int64_t>()};
}

app::OwnedValidationRun RowToOwnedRun(const pg::Row& row) {
  return {RowToRun(row), row[kRunColumn.owner].As<std::optional<domain::Uuid>>()};
}

}  // namespace

std::optional<app::OwnedValidationRun> ValidationRunRows::Find(const domain::Uuid& id,
                                                               app::RowLock lock) {
  const pg::Result result = connection_.Execute(kFind.For(lock), pg::Params(id));
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
  return KeysetQuery("SELECT " + kListColumns + ", k.advertiser_id" + kOwnedFrom +
                         " WHERE r.deleted_at IS NULL",
                     "r.id")
      .WhereIf("r.video_id =", filter.video_id)
      .WhereIf("r.status =", StatusText(filter.status))
      .WhereIf("k.advertiser_id =", filter.advertiser_id)
      .ReadPage(connection_, page, RowToOwnedRun,
                [](const app::OwnedValidationRun& owned) { return owned.run.id; });
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

}  // namespace nedlia::repositories
