#include "app/advertiser_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/errors.hpp"
#include "app/opaque_json.hpp"
#include "app/tenancy.hpp"
#include "domain/advertiser_rules.hpp"

namespace nedlia::app {
namespace {

/// An advertiser key sees its own advertiser; anyone else's answers 404 without a lookup.
domain::Advertiser FindVisible(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                               RowLock lock) {
  if (!caller.CanSee(id))
    throw NotFound("advertiser");
  auto found = tx.Advertisers().Find(id, lock);
  if (!found)
    throw NotFound("advertiser");
  return std::move(*found);
}

/// An advertiser key may edit its own details, but suspending or reactivating is the
/// platform's decision.
void CheckMayChangeStatus(const Principal& caller, const domain::Advertiser& current,
                          const AdvertiserPatch& patch) {
  if (patch.status && *patch.status != current.status && !caller.IsAdmin()) {
    throw Error(ErrorKind::kForbidden, "only an admin key may change an advertiser's status",
                {{"/status", "cannot be changed with an advertiser key"}});
  }
}

/// What a PATCH changed besides the status, as com.nedlia.advertiser.updated.v2 says it: every
/// changed field by name, the new value only of those that are not personal data.
struct DetailChanges {
  nlohmann::json fields = nlohmann::json::array();
  nlohmann::json values = nlohmann::json::object();

  bool Empty() const { return fields.empty(); }
};

/// Applies the patch's fields other than status.
DetailChanges ApplyDetails(const AdvertiserPatch& patch, domain::Advertiser& advertiser) {
  DetailChanges changes;
  if (patch.name && *patch.name != advertiser.name) {
    advertiser.name = *patch.name;
    changes.fields.push_back("name");
    changes.values["name"] = advertiser.name;
  }
  if (patch.contact_email && *patch.contact_email != advertiser.contact_email) {
    advertiser.contact_email = *patch.contact_email;
    changes.fields.push_back("contact_email");
  }
  if (patch.billing_info && !SameDocument(*patch.billing_info, advertiser.billing_info)) {
    advertiser.billing_info = *patch.billing_info;
    changes.fields.push_back("billing_info");
  }
  return changes;
}

std::optional<domain::AdvertiserStatusChange> ApplyStatus(const AdvertiserPatch& patch,
                                                          domain::Advertiser& advertiser) {
  if (!patch.status || *patch.status == advertiser.status)
    return std::nullopt;
  const auto change = domain::StatusChangeOf(advertiser.status, *patch.status);
  if (!change) {
    ThrowIfInvalid(
        {{"/status", "an advertiser cannot go from " + std::string(ToString(advertiser.status)) +
                         " to " + std::string(ToString(*patch.status))}});
  }
  advertiser.status = *patch.status;
  return change;
}

nlohmann::json StatusChangeData(const domain::Advertiser& before, const domain::Advertiser& after,
                                domain::AdvertiserStatusChange change, const Principal& caller) {
  return {{"advertiser_id", after.id.ToString()},
          {"previous_status", ToString(before.status)},
          {"previous_version", before.audit.version},
          {"new_version", after.audit.version},
          {std::string(ToString(change)) + "_by", caller.id.ToString()}};
}

}  // namespace

void CheckMayCreateAdvertisers(const Principal& caller) {
  RequireAdmin(caller, "only an admin key may create advertisers");
}

domain::Advertiser CreateAdvertiser(Transaction& tx, const CallContext& context,
                                    const NewAdvertiser& input) {
  CheckMayCreateAdvertisers(context.principal);
  domain::Advertiser advertiser{.id = domain::Uuid::NewV7(),
                                .name = input.name,
                                .contact_email = input.contact_email,
                                .billing_info = input.billing_info,
                                .status = input.status,
                                .audit = {.created_by = context.principal.id}};
  ThrowIfInvalid(domain::ValidateAdvertiser(advertiser));
  advertiser = tx.Advertisers().Insert(advertiser);
  // The contact email is personal data: never in an event (events outlive erasure).
  tx.Outbox().Append({.type = "com.nedlia.advertiser.created.v2",
                      .aggregate_type = "advertiser",
                      .aggregate_id = advertiser.id,
                      .advertiser_id = advertiser.id,
                      .data = {{"advertiser_id", advertiser.id.ToString()},
                               {"name", advertiser.name},
                               {"status", ToString(advertiser.status)},
                               {"created_by", context.principal.id.ToString()}}});
  return advertiser;
}

domain::Advertiser GetAdvertiser(Transaction& tx, const Principal& caller, const domain::Uuid& id) {
  return FindVisible(tx, caller, id, RowLock::kNone);
}

Page<domain::Advertiser> ListAdvertisers(Transaction& tx, const Principal& caller,
                                         AdvertiserFilter filter, const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.id))
    return {};
  return tx.Advertisers().List(filter, page);
}

domain::Advertiser UpdateAdvertiser(Transaction& tx, const CallContext& context,
                                    const domain::Uuid& id, std::int32_t expected_version,
                                    const AdvertiserPatch& patch) {
  const domain::Advertiser before = FindVisible(tx, context.principal, id, RowLock::kNoKeyUpdate);
  CheckMayChangeStatus(context.principal, before, patch);
  CheckVersion(expected_version, before.audit.version, "advertiser");
  domain::Advertiser advertiser = before;
  const DetailChanges changes = ApplyDetails(patch, advertiser);
  const auto status_change = ApplyStatus(patch, advertiser);
  if (changes.Empty() && !status_change)
    return advertiser;
  ThrowIfInvalid(domain::ValidateAdvertiser(advertiser));
  advertiser = tx.Advertisers().Update(advertiser);
  if (status_change) {
    tx.Outbox().Append(
        {.type = "com.nedlia.advertiser." + std::string(ToString(*status_change)) + ".v1",
         .aggregate_type = "advertiser",
         .aggregate_id = id,
         .advertiser_id = id,
         .data = StatusChangeData(before, advertiser, *status_change, context.principal)});
  }
  if (!changes.Empty()) {
    tx.Outbox().Append({.type = "com.nedlia.advertiser.updated.v2",
                        .aggregate_type = "advertiser",
                        .aggregate_id = id,
                        .advertiser_id = id,
                        .data = {{"advertiser_id", id.ToString()},
                                 {"changed_fields", changes.fields},
                                 {"changes", changes.values},
                                 {"previous_version", expected_version},
                                 {"new_version", advertiser.audit.version}}});
  }
  return advertiser;
}

bool EraseAdvertiser(Transaction& tx, const CallContext& context, const domain::Uuid& id) {
  // The retention of deleted advertisers erases as the system: no key, a nil principal.
  const bool by_system = context.principal.id.IsNil();
  if (!by_system)
    RequireAdmin(context.principal, "only an admin key may erase an advertiser's personal data");
  const std::optional<bool> erased = tx.Advertisers().LockForErasure(id);
  if (!erased)
    throw NotFound("advertiser");
  if (*erased)
    return false;
  tx.Advertisers().ErasePersonalData(id);
  tx.Webhooks().EraseAllOf(id);
  tx.IdempotencyKeys().ForgetAnswersNaming(id);
  tx.Outbox().Append(
      {.type = "com.nedlia.advertiser.erased.v1",
       .aggregate_type = "advertiser",
       .aggregate_id = id,
       .advertiser_id = id,
       .data = {{"advertiser_id", id.ToString()},
                {"erased_by", by_system ? nlohmann::json(nullptr)
                                        : nlohmann::json(context.principal.id.ToString())}}});
  return true;
}

void DeleteAdvertiser(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                      std::int32_t expected_version) {
  if (!context.principal.CanSee(id))
    throw NotFound("advertiser");
  RequireAdmin(context.principal, "only an admin key may delete advertisers");
  const domain::Advertiser advertiser = FindVisible(tx, context.principal, id, RowLock::kUpdate);
  CheckVersion(expected_version, advertiser.audit.version, "advertiser");
  const AdvertiserDependents dependents = tx.Advertisers().Dependents(id);
  if (dependents.live_products || dependents.live_campaigns) {
    const std::string what = dependents.live_products && dependents.live_campaigns
                                 ? "products and campaigns"
                             : dependents.live_products ? "products"
                                                        : "campaigns";
    throw Error(ErrorKind::kConflict,
                "the advertiser still has live " + what + ": delete them first");
  }
  tx.Advertisers().SoftDelete(id);
  tx.Outbox().Append({.type = "com.nedlia.advertiser.deleted.v1",
                      .aggregate_type = "advertiser",
                      .aggregate_id = id,
                      .advertiser_id = id,
                      .data = {{"advertiser_id", id.ToString()},
                               {"deleted_by", context.principal.id.ToString()}}});
}

}  // namespace nedlia::app
