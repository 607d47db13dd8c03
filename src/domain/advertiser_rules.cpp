#include "domain/advertiser_rules.hpp"

#include "domain/text_fields.hpp"

namespace nedlia::domain {
namespace {

constexpr std::size_t kMaxName = 255;

}  // namespace

FieldErrors ValidateAdvertiser(const Advertiser& advertiser) {
  FieldErrors errors = ValidateText(advertiser.name, kMaxName, "/name");
  const FieldErrors email = ValidateEmail(advertiser.contact_email, "/contact_email");
  errors.insert(errors.end(), email.begin(), email.end());
  return errors;
}

std::optional<AdvertiserStatusChange> StatusChangeOf(AdvertiserStatus from, AdvertiserStatus to) {
  if (from == to || !CanMove(from, to))
    return std::nullopt;
  return to == AdvertiserStatus::kSuspended ? AdvertiserStatusChange::kSuspended
                                            : AdvertiserStatusChange::kReactivated;
}

std::string_view ToString(AdvertiserStatusChange change) {
  return change == AdvertiserStatusChange::kSuspended ? "suspended" : "reactivated";
}

}  // namespace nedlia::domain
