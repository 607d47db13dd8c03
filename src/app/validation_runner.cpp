#include "app/validation_runner.hpp"

#include <optional>

namespace nedlia::app {
namespace {

bool HasEnded(const domain::ValidationRun& run) {
  return run.status == domain::ValidationRunStatus::kCompleted ||
         run.status == domain::ValidationRunStatus::kFailed;
}

/// The run's events are the requester's doing, seen by the requester's advertiser.
NewEvent RunEvent(const OwnedValidationRun& owned, const char* type, nlohmann::json data) {
  data["video_id"] = owned.run.video_id.ToString();
  data["validation_run_id"] = owned.run.id.ToString();
  return {.type = type,
          .aggregate_type = "video",
          .aggregate_id = owned.run.video_id,
          .advertiser_id = owned.advertiser_id,
          .data = std::move(data)};
}

void EmitFailed(Transaction& tx, const OwnedValidationRun& owned, const std::string& reason) {
  tx.ValidationRuns().Fail(owned.run.id, reason);
  tx.Outbox().Append(RunEvent(owned, "com.nedlia.video.validation_failed.v1", {{"error", reason}}));
}

/// The reason a video can no longer be validated, if any.
std::optional<std::string> UnvalidatableReason(const std::optional<domain::Video>& video) {
  if (!video)
    return "the video no longer exists";
  if (video->status == domain::VideoStatus::kArchived)
    return "the video was archived; archived videos are not validated";
  return std::nullopt;
}

}  // namespace

ValidationOutcome RunValidation(Transaction& tx, const domain::Uuid& run_id, domain::Date today,
                                const domain::ValidationLimits& limits) {
  const std::optional<OwnedValidationRun> owned =
      tx.ValidationRuns().Find(run_id, RowLock::kUpdate);
  if (!owned || HasEnded(owned->run))
    return ValidationOutcome::kSkipped;
  tx.ValidationRuns().MarkRunning(run_id);
  // FOR SHARE: the video keeps its duration and stays live until the verdict commits.
  const auto video = tx.Videos().Find(owned->run.video_id, RowLock::kShare);
  if (const auto reason = UnvalidatableReason(video)) {
    EmitFailed(tx, *owned, *reason);
    return ValidationOutcome::kFailed;
  }
  // A run an advertiser's key requested reports on that advertiser's placements only: videos
  // are shared, and another tenant's placements, campaigns and standing are not its to see.
  const domain::ValidationSubject subject =
      tx.ValidationRuns().LoadSubject(video->id, video->duration_ms, owned->advertiser_id);
  const domain::ValidationReport report = domain::Validate(subject, today, limits);
  tx.ValidationRuns().Complete(run_id, report);
  const domain::ValidationSummary& summary = report.summary;
  tx.Outbox().Append(RunEvent(*owned, "com.nedlia.video.validation_completed.v1",
                              {{"is_valid", summary.is_valid},
                               {"issues_count", summary.issues_count},
                               {"total_placements", summary.total_placements},
                               {"valid_placements", summary.valid_placements}}));
  return ValidationOutcome::kCompleted;
}

ValidationOutcome FailValidation(Transaction& tx, const domain::Uuid& run_id,
                                 const std::string& reason) {
  const std::optional<OwnedValidationRun> owned =
      tx.ValidationRuns().Find(run_id, RowLock::kUpdate);
  if (!owned || HasEnded(owned->run))
    return ValidationOutcome::kSkipped;
  EmitFailed(tx, *owned, reason);
  return ValidationOutcome::kFailed;
}

}  // namespace nedlia::app
