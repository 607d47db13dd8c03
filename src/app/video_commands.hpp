#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// The fields an admin sets when registering a video in the catalog.
struct NewVideo {
  std::string title;
  std::int64_t duration_ms = 0;
  std::optional<std::string> source_url;
  domain::VideoStatus status = domain::VideoStatus::kProcessing;
  domain::OpaqueJson metadata = "{}";
};

/// A partial update: an empty member leaves the field alone; a member holding nullopt clears
/// a nullable field.
struct VideoPatch {
  std::optional<std::string> title;
  std::optional<std::int64_t> duration_ms;
  std::optional<std::optional<std::string>> source_url;
  std::optional<domain::OpaqueJson> metadata;
  std::optional<domain::VideoStatus> status;
};

/// The catalog belongs to the platform: only admin keys change it (kForbidden otherwise),
/// while every key may read it to place products.
void RequireCatalogAdmin(const Principal& caller);

/// Registers a video and emits com.nedlia.video.registered.v1.
domain::Video RegisterVideo(Transaction& tx, const CallContext& context, const NewVideo& input);
/// A live video.
domain::Video GetVideo(Transaction& tx, const domain::Uuid& id);
/// Live videos, filtered.
Page<domain::Video> ListVideos(Transaction& tx, const VideoFilter& filter, const PageRequest& page);
/// Applies `patch` when `expected_version` is current. Emits com.nedlia.video.updated.v1 for
/// changed fields other than the status, and com.nedlia.video.ready.v1 or
/// com.nedlia.video.archived.v1 for a status move. Refuses (kConflict at /duration) a duration
/// that live placements of the video would outlast.
domain::Video UpdateVideo(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                          std::int32_t expected_version, const VideoPatch& patch);
/// Soft-deletes when `expected_version` is current and no active placement uses the video;
/// emits com.nedlia.video.deleted.v1.
void DeleteVideo(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                 std::int32_t expected_version);

}  // namespace nedlia::app
