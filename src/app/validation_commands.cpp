#include "app/validation_commands.hpp"

#include "app/errors.hpp"
#include "app/tenancy.hpp"

namespace nedlia::app {
namespace {

/// `found` if the caller may see it; a run requested by an admin key (no advertiser) is an
/// admin's alone.
OwnedValidationRun Visible(std::optional<OwnedValidationRun> found, const Principal& caller) {
  const std::optional<domain::Uuid> owner = found ? found->advertiser_id : std::nullopt;
  return RequireVisible(std::move(found), caller, owner, "validation run");
}

}  // namespace

OwnedValidationRun RequestValidation(Transaction& tx, const CallContext& context,
                                     const domain::Uuid& video_id) {
  // FOR SHARE: the video cannot be archived or deleted until this request has committed.
  const auto video = tx.Videos().Find(video_id, RowLock::kShare);
  if (!video)
    throw NotFound("video");
  if (video->status == domain::VideoStatus::kArchived) {
    throw Error(ErrorKind::kConflict, "the video is archived; archived videos are not validated");
  }
  domain::ValidationRun run{.id = domain::Uuid::NewV7(),
                            .video_id = video_id,
                            .status = domain::ValidationRunStatus::kPending,
                            .requested_by = context.principal.id};
  run = tx.ValidationRuns().Insert(run);
  tx.Outbox().Append({.type = "com.nedlia.video.validation_requested.v1",
                      .aggregate_type = "video",
                      .aggregate_id = video_id,
                      .data = {{"video_id", video_id.ToString()},
                               {"validation_run_id", run.id.ToString()},
                               {"requested_by", context.principal.id.ToString()}}});
  return {std::move(run), context.principal.advertiser_id};
}

OwnedValidationRun GetValidationRun(Transaction& tx, const Principal& caller,
                                    const domain::Uuid& id) {
  return Visible(tx.ValidationRuns().Find(id, RowLock::kNone), caller);
}

IssuePage ValidationRunIssues(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                              std::int64_t after, int limit) {
  // The tenancy check, without reading the issues a page is about to read.
  Visible(tx.ValidationRuns().FindWithoutIssues(id), caller);
  IssuePage page{.issues = tx.ValidationRuns().Issues(id, after, limit + 1), .next_after = {}};
  if (static_cast<int>(page.issues.size()) > limit) {
    page.issues.pop_back();
    page.next_after = after + limit;
  }
  return page;
}

Page<OwnedValidationRun> ListValidationRuns(Transaction& tx, const Principal& caller,
                                            ValidationRunFilter filter, const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.advertiser_id))
    return {};
  return tx.ValidationRuns().List(filter, page);
}

Page<OwnedValidationRun> ListVideoValidationRuns(Transaction& tx, const Principal& caller,
                                                 ValidationRunFilter filter,
                                                 const PageRequest& page) {
  if (!filter.video_id || !tx.Videos().Find(*filter.video_id, RowLock::kNone))
    throw NotFound("video");
  return ListValidationRuns(tx, caller, filter, page);
}

void DeleteValidationRun(Transaction& tx, const CallContext& context, const domain::Uuid& id) {
  RequireAdmin(context.principal, "only an admin key may delete validation runs");
  const auto video_id = tx.ValidationRuns().SoftDelete(id);
  if (!video_id)
    throw NotFound("validation run");
  tx.Outbox().Append({.type = "com.nedlia.validation_run.deleted.v1",
                      .aggregate_type = "validation_run",
                      .aggregate_id = id,
                      .data = {{"validation_run_id", id.ToString()},
                               {"video_id", video_id->ToString()},
                               {"deleted_by", context.principal.id.ToString()}}});
}

}  // namespace nedlia::app
