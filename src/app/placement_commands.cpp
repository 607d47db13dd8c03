#include "app/placement_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/errors.hpp"
#include "app/event_data.hpp"
#include "app/tenancy.hpp"
#include "domain/placement_rules.hpp"
#include "domain/text_fields.hpp"

namespace nedlia::app {
namespace {

constexpr std::size_t kMaxDescription = 10'000;

// `check_file_url`: whether file_url comes from the request. The stored one is written by the
// file-generator (relative to the API's base with the filesystem store, which the client-input
// rule refuses), so an update that leaves it alone must not fail on it.
domain::FieldErrors ValidateOwnFields(const domain::Placement& placement,
                                      bool check_file_url = true) {
  domain::FieldErrors errors = domain::Validate(placement.time_range, "/time_range");
  auto add = [&errors](domain::FieldErrors more) {
    errors.insert(errors.end(), more.begin(), more.end());
  };
  if (placement.description) {
    add(domain::ValidateFreeText(*placement.description, kMaxDescription, "/description"));
  }
  if (placement.position)
    add(domain::Validate(*placement.position, "/position"));
  if (placement.file_url && check_file_url)
    add(domain::ValidateUrl(*placement.file_url, "/file_url"));
  return errors;
}

/// Checks the placement against its video and product; returns the owning advertiser.
domain::Uuid CheckTargets(Transaction& tx, const Principal& caller,
                          const domain::Placement& placement) {
  const PlacementTargets targets =
      tx.Placements().Targets(placement.video_id, placement.product_id);
  domain::FieldErrors errors;
  if (!targets.video)
    errors.push_back({"/video_id", "no such video"});
  if (!targets.product || !caller.CanSee(targets.product->advertiser_id)) {
    errors.push_back({"/product_id", "no such product"});
  }
  ThrowIfInvalid(std::move(errors));
  ThrowIfInvalid(domain::CheckPlacementFits(
      placement.time_range, {.video_duration_ms = targets.video->duration_ms,
                             .video_status = targets.video->status,
                             .advertiser_status = targets.product->advertiser_status}));
  return targets.product->advertiser_id;
}

OwnedPlacement FindVisible(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                           RowLock lock) {
  return RequireVisibleBy(
      tx.Placements().Find(id, lock), caller,
      [](const OwnedPlacement& owned) { return owned.advertiser_id; }, "placement");
}

void CheckStatusMove(domain::PlacementStatus from, domain::PlacementStatus to) {
  if (from == to || domain::CanMove(from, to))
    return;
  ThrowIfInvalid({{"/status", "a placement cannot go from " + std::string(ToString(from)) + " to " +
                                  std::string(ToString(to))}});
}

/// Applies the patch; returns the changed fields as the event's "changes" object.
nlohmann::json Apply(const PlacementPatch& patch, domain::Placement& placement) {
  nlohmann::json changes = nlohmann::json::object();
  if (patch.time_range && *patch.time_range != placement.time_range) {
    placement.time_range = *patch.time_range;
    changes["time_range"] = TimeRangeData(placement.time_range);
  }
  if (patch.description && *patch.description != placement.description) {
    placement.description = *patch.description;
    changes["description"] = OptionalData(placement.description);
  }
  if (patch.position && *patch.position != placement.position) {
    placement.position = *patch.position;
    changes["position"] =
        placement.position ? PositionData(*placement.position) : nlohmann::json(nullptr);
  }
  if (patch.status && *patch.status != placement.status) {
    CheckStatusMove(placement.status, *patch.status);
    placement.status = *patch.status;
    changes["status"] = ToString(placement.status);
  }
  if (patch.file_url && *patch.file_url != placement.file_url) {
    placement.file_url = *patch.file_url;
    changes["file_url"] = OptionalData(placement.file_url);
  }
  return changes;
}

}  // namespace

OwnedPlacement CreatePlacement(Transaction& tx, const CallContext& context,
                               const NewPlacement& input) {
  domain::Placement placement{.id = domain::Uuid::NewV7(),
                              .video_id = input.video_id,
                              .product_id = input.product_id,
                              .time_range = input.time_range,
                              .description = input.description,
                              .position = input.position,
                              .status = input.status,
                              .file_url = input.file_url,
                              .audit = {.created_by = context.principal.id}};
  ThrowIfInvalid(ValidateOwnFields(placement));
  if (placement.status == domain::PlacementStatus::kArchived) {
    ThrowIfInvalid({{"/status", "a new placement is draft or active"}});
  }
  const domain::Uuid advertiser = CheckTargets(tx, context.principal, placement);
  placement = tx.Placements().Insert(placement);
  tx.Outbox().Append({.type = "com.nedlia.placement.created.v2",
                      .aggregate_type = "placement",
                      .aggregate_id = placement.id,
                      .advertiser_id = advertiser,
                      .data = PlacementCreatedData(placement)});
  return {std::move(placement), advertiser};
}

OwnedPlacement GetPlacement(Transaction& tx, const Principal& caller, const domain::Uuid& id) {
  return FindVisible(tx, caller, id, RowLock::kNone);
}

Page<OwnedPlacement> ListPlacements(Transaction& tx, const Principal& caller,
                                    PlacementFilter filter, const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.advertiser_id))
    return {};
  return tx.Placements().List(filter, page);
}

OwnedPlacement UpdatePlacement(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                               std::int32_t expected_version, const PlacementPatch& patch) {
  OwnedPlacement owned = FindVisible(tx, context.principal, id, RowLock::kUpdate);
  CheckVersion(expected_version, owned.placement.audit.version, "placement");
  const nlohmann::json changes = Apply(patch, owned.placement);
  if (changes.empty())
    return owned;
  ThrowIfInvalid(ValidateOwnFields(owned.placement, changes.contains("file_url")));
  if (changes.contains("time_range") || changes.contains("status")) {
    CheckTargets(tx, context.principal, owned.placement);
  }
  owned.placement = tx.Placements().Update(owned.placement);
  tx.Outbox().Append({.type = "com.nedlia.placement.updated.v1",
                      .aggregate_type = "placement",
                      .aggregate_id = id,
                      .advertiser_id = owned.advertiser_id,
                      .data = {{"placement_id", id.ToString()},
                               {"changes", changes},
                               {"previous_version", expected_version},
                               {"new_version", owned.placement.audit.version}}});
  return owned;
}

void DeletePlacement(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                     std::int32_t expected_version) {
  const OwnedPlacement owned = FindVisible(tx, context.principal, id, RowLock::kUpdate);
  CheckVersion(expected_version, owned.placement.audit.version, "placement");
  tx.Placements().SoftDelete(id);
  tx.Outbox().Append({.type = "com.nedlia.placement.deleted.v1",
                      .aggregate_type = "placement",
                      .aggregate_id = id,
                      .advertiser_id = owned.advertiser_id,
                      .data = {{"placement_id", id.ToString()},
                               {"video_id", owned.placement.video_id.ToString()},
                               {"product_id", owned.placement.product_id.ToString()},
                               {"deleted_by", context.principal.id.ToString()}}});
}

}  // namespace nedlia::app
