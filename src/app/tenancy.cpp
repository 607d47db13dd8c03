#include "app/tenancy.hpp"

namespace nedlia::app {

void RequireAdmin(const Principal& caller, std::string_view reason) {
  if (!caller.IsAdmin())
    throw Error(ErrorKind::kForbidden, std::string(reason));
}

bool NarrowToTenant(const Principal& caller, std::optional<domain::Uuid>& advertiser_filter) {
  if (caller.IsAdmin())
    return true;
  if (advertiser_filter && advertiser_filter != caller.advertiser_id)
    return false;
  advertiser_filter = caller.advertiser_id;
  return true;
}

std::optional<domain::Uuid> OwnerForNew(const Principal& caller,
                                        const std::optional<domain::Uuid>& named,
                                        domain::FieldErrors& errors) {
  if (!named) {
    if (caller.IsAdmin())
      errors.push_back({"/advertiser_id", "is required"});
    return caller.advertiser_id;
  }
  if (!caller.CanSee(*named))
    return std::nullopt;
  return named;
}

}  // namespace nedlia::app
