#pragma once

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// Records a pending validation run of a live, unarchived video, requested by the caller, and
/// emits com.nedlia.video.validation_requested.v1. Running it is the validator's job.
OwnedValidationRun RequestValidation(Transaction& tx, const CallContext& context,
                                     const domain::Uuid& video_id);
/// A live run the caller may see: admins see every run, an advertiser key the runs requested
/// by keys of its own advertiser.
OwnedValidationRun GetValidationRun(Transaction& tx, const Principal& caller,
                                    const domain::Uuid& id);
/// Live runs the caller may see, filtered.
Page<OwnedValidationRun> ListValidationRuns(Transaction& tx, const Principal& caller,
                                            ValidationRunFilter filter, const PageRequest& page);
/// The runs of one live video the caller may see (filter.video_id), in id order: oldest
/// first, as run ids are UUIDv7. A video that does not exist or was deleted is NotFound.
Page<OwnedValidationRun> ListVideoValidationRuns(Transaction& tx, const Principal& caller,
                                                 ValidationRunFilter filter,
                                                 const PageRequest& page);
/// Soft-deletes a run (admin keys only; runs carry no version, so no If-Match) and emits
/// com.nedlia.validation_run.deleted.v1.
void DeleteValidationRun(Transaction& tx, const CallContext& context, const domain::Uuid& id);

}  // namespace nedlia::app
