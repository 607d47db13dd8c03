#pragma once

#include <optional>
#include <string>

#include "domain/uuid.hpp"

namespace nedlia::app {

enum class Role { kAdmin, kAdvertiser };

/// Who is calling: an API key's identity and what it may see. `id` becomes created_by and
/// requested_by on what the caller writes.
struct Principal {
  domain::Uuid id;
  Role role = Role::kAdvertiser;
  std::optional<domain::Uuid> advertiser_id;  ///< set for (and only for) the advertiser role
  std::string name;                           ///< the key's label, for logs

  bool IsAdmin() const { return role == Role::kAdmin; }
  /// True when the caller may see data of `advertiser`: admins see all, advertisers their own.
  bool CanSee(const domain::Uuid& advertiser) const {
    return IsAdmin() || advertiser_id == advertiser;
  }
};

/// What a command needs to know about the request that caused it.
struct CallContext {
  Principal principal;
  std::string traceparent;  ///< W3C trace context, carried into the events the call emits
  /// The hash of the API key that authenticated the call (see HashSecret): what a long-lived
  /// answer, such as an event stream, checks again to stop once the key is revoked.
  std::string key_hash;
};

}  // namespace nedlia::app
