#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/errors.hpp"
#include "app/principal.hpp"
#include "domain/field_error.hpp"
#include "domain/uuid.hpp"

namespace nedlia::app {

/// Who sees what, in one place. An admin key sees and changes everything. An advertiser key
/// sees only rows of its own advertiser (products, campaigns, placements, webhooks and their
/// deliveries, the validation runs its keys requested, its events); another tenant's row is
/// answered exactly like one that does not exist, so ids cannot be probed. The video catalog
/// is shared: every key reads it, only admins change it. What a validation run reports to an
/// advertiser is narrowed by the run itself (see RunValidation).

/// Throws kForbidden with `reason` unless the caller holds an admin key.
void RequireAdmin(const Principal& caller, std::string_view reason);

/// `found` if the caller may see it, else NotFound(`what`). `owner` is the advertiser the row
/// belongs to; a row without one (nullopt) is an admin's alone.
template <typename Row>
Row RequireVisible(std::optional<Row> found, const Principal& caller,
                   const std::optional<domain::Uuid>& owner, const std::string& what) {
  if (!found || !(caller.IsAdmin() || (owner && caller.CanSee(*owner))))
    throw NotFound(what);
  return std::move(*found);
}

/// The same, with the owner read from the row by `owner_of`.
template <typename Row, typename OwnerOf>
Row RequireVisibleBy(std::optional<Row> found, const Principal& caller, OwnerOf owner_of,
                     const std::string& what) {
  const std::optional<domain::Uuid> owner =
      found ? std::optional<domain::Uuid>(owner_of(*found)) : std::nullopt;
  return RequireVisible(std::move(found), caller, owner, what);
}

/// Narrows a list's advertiser filter to the caller's tenant. False when an advertiser key
/// asked for another advertiser: the answer is then an empty page, as if it had none.
[[nodiscard]] bool NarrowToTenant(const Principal& caller,
                                  std::optional<domain::Uuid>& advertiser_filter);

/// The advertiser a new row belongs to: the one the request names, or an advertiser key's
/// own. An admin must name one (adds "/advertiser_id is required" to `errors`). One the caller
/// may not see gives nullopt, to be answered exactly like one that does not exist (see
/// kNoSuchAdvertiser).
std::optional<domain::Uuid> OwnerForNew(const Principal& caller,
                                        const std::optional<domain::Uuid>& named,
                                        domain::FieldErrors& errors);

/// The field error for an advertiser that does not exist or is not the caller's to name.
inline const domain::FieldError kNoSuchAdvertiser{"/advertiser_id", "no such advertiser"};

}  // namespace nedlia::app
