#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// The fields a client sets when it creates a placement.
struct NewPlacement {
  domain::Uuid video_id;
  domain::Uuid product_id;
  domain::TimeRange time_range;
  std::optional<std::string> description;
  std::optional<domain::Position> position;
  domain::PlacementStatus status = domain::PlacementStatus::kActive;
  std::optional<std::string> file_url;
};

/// A partial update: an empty member leaves the field alone; a member holding nullopt clears
/// a nullable field.
struct PlacementPatch {
  std::optional<domain::TimeRange> time_range;
  std::optional<std::optional<std::string>> description;
  std::optional<std::optional<domain::Position>> position;
  std::optional<domain::PlacementStatus> status;
  std::optional<std::optional<std::string>> file_url;
};

/// Creates a placement and emits com.nedlia.placement.created.v2.
OwnedPlacement CreatePlacement(Transaction& tx, const CallContext& context,
                               const NewPlacement& input);
/// A live placement the caller may see.
OwnedPlacement GetPlacement(Transaction& tx, const Principal& caller, const domain::Uuid& id);
/// Live placements the caller may see, filtered.
Page<OwnedPlacement> ListPlacements(Transaction& tx, const Principal& caller,
                                    PlacementFilter filter, const PageRequest& page);
/// Applies `patch` when `expected_version` is current; emits com.nedlia.placement.updated.v1
/// when something changed.
OwnedPlacement UpdatePlacement(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                               std::int32_t expected_version, const PlacementPatch& patch);
/// Soft-deletes when `expected_version` is current; emits com.nedlia.placement.deleted.v1.
void DeletePlacement(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                     std::int32_t expected_version);

}  // namespace nedlia::app
