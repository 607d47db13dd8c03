#pragma once

#include <chrono>
#include <cstdint>

#include "app/ports/object_store.hpp"
#include "pg/connection.hpp"

namespace nedlia::placement_files {

/// Deletes from `store` the placement files superseded more than `grace` ago (a reader that
/// got the old URL just before can still fetch it meanwhile) that no live placement names
/// again, `batch` at a time, each batch's rows locked while its objects are deleted and
/// forgotten in the same transaction; returns how many. Throws ObjectStoreUnavailable when
/// the store is down: that batch's rows stay, and the next run deletes them.
std::int64_t PurgeSupersededFiles(pg::Connection& connection, app::ObjectStore& store,
                                  std::chrono::hours grace, int batch = 200);
/// How many files PurgeSupersededFiles would delete now.
std::int64_t CountSupersededFiles(pg::Connection& connection, std::chrono::hours grace);

/// Records the files of up to `limit` videos that were written before they were recorded
/// (placement_file_sweeps, filled by the migration that made the record): each video's
/// objects are listed once; the manifest its live placements name and that manifest's track
/// are current, every other file is superseded from now on. Returns how many videos.
int RecordUnrecordedFiles(pg::Connection& connection, app::ObjectStore& store, int limit = 1000);

}  // namespace nedlia::placement_files
