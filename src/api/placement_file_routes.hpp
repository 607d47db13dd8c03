#pragma once

#include "app/ports/object_store.hpp"
#include "http/router.hpp"

namespace nedlia::api {

/// GET /files/placements/{video_id}/{file}: the placement files (manifest .json, WebVTT .vtt)
/// from the object store, for clients of the filesystem store (with S3, file_url points at the
/// bucket instead). Public like a CDN: a web player's <track> cannot send a bearer token, and
/// the names are content hashes. Only the placements/ prefix is served, never archives or
/// backups. `store` null (no store configured) answers 404.
void AddPlacementFileRoutes(http::Router& router, app::ObjectStore* store);

}  // namespace nedlia::api
