#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/database.hpp"
#include "app/principal.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// The fields a client sets when it creates an advertiser.
struct NewAdvertiser {
  std::string name;
  std::string contact_email;
  std::optional<domain::OpaqueJson> billing_info;  ///< a JSON object, kept as is
  domain::AdvertiserStatus status = domain::AdvertiserStatus::kActive;
};

/// A partial update: an empty member leaves the field alone; billing_info holding nullopt
/// clears it.
struct AdvertiserPatch {
  std::optional<std::string> name;
  std::optional<std::string> contact_email;
  std::optional<std::optional<domain::OpaqueJson>> billing_info;
  std::optional<domain::AdvertiserStatus> status;
};

/// Throws kForbidden unless the caller may create advertisers: only admins may, since an
/// advertiser key is bound to the one advertiser it belongs to.
void CheckMayCreateAdvertisers(const Principal& caller);

/// Creates an advertiser (admins only) and emits com.nedlia.advertiser.created.v2.
domain::Advertiser CreateAdvertiser(Transaction& tx, const CallContext& context,
                                    const NewAdvertiser& input);
/// A live advertiser the caller may see (an advertiser key sees only its own).
domain::Advertiser GetAdvertiser(Transaction& tx, const Principal& caller, const domain::Uuid& id);
/// Live advertisers the caller may see, filtered.
Page<domain::Advertiser> ListAdvertisers(Transaction& tx, const Principal& caller,
                                         AdvertiserFilter filter, const PageRequest& page);
/// Applies `patch` when `expected_version` is current. Only admins change the status. Emits
/// com.nedlia.advertiser.suspended.v1 or .reactivated.v1 for a status change and
/// com.nedlia.advertiser.updated.v2 when other fields changed.
domain::Advertiser UpdateAdvertiser(Transaction& tx, const CallContext& context,
                                    const domain::Uuid& id, std::int32_t expected_version,
                                    const AdvertiserPatch& patch);
/// Erases an advertiser's personal data (admins only; live or deleted): the contact email
/// becomes kErasedEmail and the billing details are removed; its webhooks are deleted, their
/// URLs and secrets replaced and what their deliveries recorded of the receiver cleared; stored
/// idempotent answers that name it are forgotten. Ids, history and events stay (events carry
/// no personal data). Emits com.nedlia.advertiser.erased.v1 the first time; erasing again
/// changes nothing. NotFound for an id that never existed. Returns whether it erased now.
bool EraseAdvertiser(Transaction& tx, const CallContext& context, const domain::Uuid& id);

/// Soft-deletes (admins only) when `expected_version` is current and nothing live refers to
/// the advertiser any more (kConflict otherwise); emits com.nedlia.advertiser.deleted.v1.
void DeleteAdvertiser(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                      std::int32_t expected_version);

}  // namespace nedlia::app
