#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
/// One page of a run's issues: those after the first `after`, and where the next page starts.
struct IssuePage {
  std::vector<std::string> issues;  ///< JSON texts, in the run's order
  std::optional<std::int64_t> next_after;
};
/// A page of the issues of a run the caller may see (see GetValidationRun).
IssuePage ValidationRunIssues(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                              std::int64_t after, int limit);
/// Live runs the caller may see, filtered, without their issues.
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
