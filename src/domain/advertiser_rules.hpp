#pragma once

#include <optional>
#include <string_view>

#include "domain/entities.hpp"
#include "domain/field_error.hpp"

namespace nedlia::domain {

/// An advertiser's own fields: a name (VARCHAR(255), not blank) and a contact e-mail address.
/// Errors point at /name and /contact_email.
FieldErrors ValidateAdvertiser(const Advertiser& advertiser);

/// What a change of an advertiser's status means to the rest of the platform.
enum class AdvertiserStatusChange {
  kSuspended,    ///< active -> suspended: its products take no new placements
  kReactivated,  ///< suspended -> active
};

/// The meaning of moving from `from` to `to`; nullopt when the status stays the same or
/// CanMove forbids the move.
std::optional<AdvertiserStatusChange> StatusChangeOf(AdvertiserStatus from, AdvertiserStatus to);

/// The event name of a status change: "suspended" or "reactivated".
std::string_view ToString(AdvertiserStatusChange change);

}  // namespace nedlia::domain
