#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/entities.hpp"
#include "domain/validation_rules.hpp"

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

  /// A live run, held as `lock` says (whoever runs it holds it: kUpdate).
  virtual std::optional<OwnedValidationRun> Find(const domain::Uuid& id, RowLock lock) = 0;
  /// Live runs without their issues (OwnedValidationRun::run.issues is "[]"): a run can hold
  /// a hundred thousand; Issues pages them.
  virtual Page<OwnedValidationRun> List(const ValidationRunFilter& filter,
                                        const PageRequest& page) = 0;
  /// A live run as List shows it (issues "[]"): for checks that need no issues.
  virtual std::optional<OwnedValidationRun> FindWithoutIssues(const domain::Uuid& id) = 0;
  /// A run's issues after the first `after`, at most `limit`, each as its JSON text.
  virtual std::vector<std::string> Issues(const domain::Uuid& id, std::int64_t after,
                                          int limit) = 0;
  /// Inserts and returns the stored row (with database defaults).
  virtual domain::ValidationRun Insert(const domain::ValidationRun& run) = 0;
  /// Marks a live run deleted and returns its video; nullopt when there is none (absent or
  /// already deleted), so that of two concurrent deletes exactly one succeeds.
  virtual std::optional<domain::Uuid> SoftDelete(const domain::Uuid& id) = 0;

  /// pending → running, started now.
  virtual void MarkRunning(const domain::Uuid& id) = 0;
  /// What the rules read about a video of `duration_ms`: its live placements that are not
  /// archived, their products (deleted ones too) and those products' live campaigns, read in
  /// a few set-based queries whatever the number of placements. With an `advertiser`, the
  /// subject reports only that advertiser's placements and holds nothing else of another
  /// tenant's (see domain::PlacementToValidate::reported).
  virtual domain::ValidationSubject LoadSubject(const domain::Uuid& video_id,
                                                std::int64_t duration_ms,
                                                const std::optional<domain::Uuid>& advertiser) = 0;
  /// → completed now, with the report's issues and summary.
  virtual void Complete(const domain::Uuid& id, const domain::ValidationReport& report) = 0;
  /// → failed now; the summary records `error`, the reason.
  virtual void Fail(const domain::Uuid& id, const std::string& error) = 0;
};

}  // namespace nedlia::app
