#include "streams/key_gate.hpp"

namespace nedlia::streams {

bool KeyGate::Holds(const Subscriber& subscriber) {
  const Subscriber::Profile& profile = subscriber.Identity();
  if (const auto it = verdicts_.find(profile.key_hash); it != verdicts_.end())
    return it->second;
  const app::KeyCheck check = keys_.Check(profile.key_hash);
  const bool holds =
      check.standing != app::KeyStanding::kRevoked &&
      (!check.principal ||
       (check.principal->id == profile.caller.id && check.principal->role == profile.caller.role &&
        check.principal->advertiser_id == profile.caller.advertiser_id));
  verdicts_.emplace(profile.key_hash, holds);
  return holds;
}

}  // namespace nedlia::streams
