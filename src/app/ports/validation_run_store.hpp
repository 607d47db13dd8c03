#pragma once

#include <optional>

#include "app/ports/page.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

/// A validation run together with the advertiser of the key that requested it (nullopt for an
/// admin key or an unknown requester), for tenancy.
struct OwnedValidationRun {
  domain::ValidationRun run;
  std::optional<domain::Uuid> advertiser_id;
};

struct ValidationRunFilter {
  std::optional<domain::Uuid> video_id;
  std::optional<domain::ValidationRunStatus> status;
  /// Only runs requested by keys bound to this advertiser.
  std::optional<domain::Uuid> advertiser_id;
};

/// Validation runs in the system of record, within the caller's transaction.
class ValidationRunStore {
 public:
  virtual ~ValidationRunStore() = default;

  /// A live run.
  virtual std::optional<OwnedValidationRun> Find(const domain::Uuid& id) = 0;
  virtual Page<OwnedValidationRun> List(const ValidationRunFilter& filter,
                                        const PageRequest& page) = 0;
  /// Inserts and returns the stored row (with database defaults).
  virtual domain::ValidationRun Insert(const domain::ValidationRun& run) = 0;
  /// Marks a live run deleted and returns its video; nullopt when there is none (absent or
  /// already deleted), so that of two concurrent deletes exactly one succeeds.
  virtual std::optional<domain::Uuid> SoftDelete(const domain::Uuid& id) = 0;
};

}  // namespace nedlia::app
