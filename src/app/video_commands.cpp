#include "app/video_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/errors.hpp"
#include "app/opaque_json.hpp"
#include "app/tenancy.hpp"
#include "domain/decimal.hpp"
#include "domain/video_rules.hpp"

namespace nedlia::app {
namespace {

nlohmann::json SecondsData(std::int64_t ms) {
  return domain::ToDouble(ms, domain::kSecondsDecimals);
}

nlohmann::json OptionalText(const std::optional<std::string>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

domain::Video FindLive(Transaction& tx, const domain::Uuid& id, RowLock lock) {
  auto found = tx.Videos().Find(id, lock);
  if (!found)
    throw NotFound("video");
  return std::move(*found);
}

/// Applies the patch's fields other than the status; returns them as the "changes" object of
/// com.nedlia.video.updated.v1.
nlohmann::json ApplyFields(const VideoPatch& patch, domain::Video& video) {
  nlohmann::json changes = nlohmann::json::object();
  if (patch.title && *patch.title != video.title) {
    video.title = *patch.title;
    changes["title"] = video.title;
  }
  if (patch.duration_ms && *patch.duration_ms != video.duration_ms) {
    video.duration_ms = *patch.duration_ms;
    changes["duration"] = SecondsData(video.duration_ms);
  }
  if (patch.source_url && *patch.source_url != video.source_url) {
    video.source_url = *patch.source_url;
    changes["source_url"] = OptionalText(video.source_url);
  }
  if (patch.metadata && !SameDocument(*patch.metadata, video.metadata)) {
    video.metadata = *patch.metadata;
    changes["metadata"] = DocumentData(video.metadata);
  }
  return changes;
}

/// Placements must stay within their video: a shorter duration is refused while live
/// placements end after it. The video row is locked, so no placement can move in meanwhile.
void CheckPlacementsFit(Transaction& tx, const domain::Video& video,
                        std::int64_t previous_duration_ms) {
  if (video.duration_ms >= previous_duration_ms)
    return;
  const std::int64_t outside = tx.Videos().CountPlacementsEndingAfter(video.id, video.duration_ms);
  const domain::FieldErrors errors = domain::CheckShortening(video.duration_ms, outside);
  if (!errors.empty()) {
    throw Error(ErrorKind::kConflict, "live placements of this video would end after it", errors);
  }
}

/// The event of a status move: ready or archived (the only moves there are).
NewEvent StatusEvent(const domain::Video& video, const Principal& by) {
  if (video.status == domain::VideoStatus::kArchived) {
    return {.type = "com.nedlia.video.archived.v1",
            .aggregate_type = "video",
            .aggregate_id = video.id,
            .data = {{"video_id", video.id.ToString()}, {"archived_by", by.id.ToString()}}};
  }
  return {.type = "com.nedlia.video.ready.v1",
          .aggregate_type = "video",
          .aggregate_id = video.id,
          .data = {{"video_id", video.id.ToString()},
                   {"duration", SecondsData(video.duration_ms)},
                   {"marked_ready_by", by.id.ToString()}}};
}

nlohmann::json RegisteredData(const domain::Video& video) {
  nlohmann::json data = {{"video_id", video.id.ToString()},
                         {"title", video.title},
                         {"duration", SecondsData(video.duration_ms)}};
  if (video.source_url)
    data["source_url"] = *video.source_url;
  if (video.audit.created_by)
    data["created_by"] = video.audit.created_by->ToString();
  return data;
}

}  // namespace

void RequireCatalogAdmin(const Principal& caller) {
  RequireAdmin(caller, "the video catalog is the platform's: only an admin key may change it");
}

domain::Video RegisterVideo(Transaction& tx, const CallContext& context, const NewVideo& input) {
  RequireCatalogAdmin(context.principal);
  domain::Video video{.id = domain::Uuid::NewV7(),
                      .title = input.title,
                      .duration_ms = input.duration_ms,
                      .source_url = input.source_url,
                      .status = input.status,
                      .metadata = input.metadata,
                      .audit = {.created_by = context.principal.id}};
  domain::FieldErrors errors = domain::Validate(video);
  const auto status_errors = domain::ValidateNewVideoStatus(video.status);
  errors.insert(errors.end(), status_errors.begin(), status_errors.end());
  ThrowIfInvalid(std::move(errors));
  video = tx.Videos().Insert(video);
  tx.Outbox().Append({.type = "com.nedlia.video.registered.v1",
                      .aggregate_type = "video",
                      .aggregate_id = video.id,
                      .data = RegisteredData(video)});
  return video;
}

domain::Video GetVideo(Transaction& tx, const domain::Uuid& id) {
  return FindLive(tx, id, RowLock::kNone);
}

Page<domain::Video> ListVideos(Transaction& tx, const VideoFilter& filter,
                               const PageRequest& page) {
  return tx.Videos().List(filter, page);
}

domain::Video UpdateVideo(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                          std::int32_t expected_version, const VideoPatch& patch) {
  RequireCatalogAdmin(context.principal);
  domain::Video video = FindLive(tx, id, RowLock::kUpdate);
  CheckVersion(expected_version, video.audit.version, "video");
  const domain::Video before = video;
  const nlohmann::json changes = ApplyFields(patch, video);
  const bool moved = patch.status && *patch.status != video.status;
  if (moved) {
    ThrowIfInvalid(domain::CheckVideoMove(video.status, *patch.status));
    video.status = *patch.status;
  }
  if (changes.empty() && !moved)
    return video;
  ThrowIfInvalid(domain::Validate(video));
  CheckPlacementsFit(tx, video, before.duration_ms);
  video = tx.Videos().Update(video);
  if (!changes.empty()) {
    tx.Outbox().Append({.type = "com.nedlia.video.updated.v1",
                        .aggregate_type = "video",
                        .aggregate_id = id,
                        .data = {{"video_id", id.ToString()},
                                 {"changes", changes},
                                 {"previous_version", expected_version},
                                 {"new_version", video.audit.version}}});
  }
  if (moved)
    tx.Outbox().Append(StatusEvent(video, context.principal));
  return video;
}

void DeleteVideo(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                 std::int32_t expected_version) {
  RequireCatalogAdmin(context.principal);
  const domain::Video video = FindLive(tx, id, RowLock::kUpdate);
  CheckVersion(expected_version, video.audit.version, "video");
  if (const std::int64_t active = tx.Videos().CountActivePlacements(id); active > 0) {
    throw Error(ErrorKind::kConflict,
                "the video has " + std::to_string(active) +
                    " active placement(s); archive or delete them before the video");
  }
  tx.Videos().SoftDelete(id);
  tx.Outbox().Append(
      {.type = "com.nedlia.video.deleted.v1",
       .aggregate_type = "video",
       .aggregate_id = id,
       .data = {{"video_id", id.ToString()}, {"deleted_by", context.principal.id.ToString()}}});
}

}  // namespace nedlia::app
