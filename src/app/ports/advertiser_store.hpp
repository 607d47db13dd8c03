#pragma once

#include <optional>
#include <vector>

#include "app/ports/page.hpp"
#include "app/ports/row_lock.hpp"
#include "domain/entities.hpp"

namespace nedlia::app {

struct AdvertiserFilter {
  std::optional<domain::AdvertiserStatus> status;
  std::optional<domain::Uuid> id;  ///< an advertiser key's own advertiser
};

/// The contact email an erased advertiser is left with: the column requires one, and this
/// reserved domain (RFC 2606) can never reach anyone.
inline constexpr const char* kErasedEmail = "erased@erased.invalid";

/// What still refers to an advertiser, and so keeps it from being deleted.
struct AdvertiserDependents {
  bool live_products = false;
  bool live_campaigns = false;
};

/// Advertisers in the system of record, within the caller's transaction.
class AdvertiserStore {
 public:
  virtual ~AdvertiserStore() = default;

  /// A live (not soft-deleted) advertiser, locked as asked.
  virtual std::optional<domain::Advertiser> Find(const domain::Uuid& id, RowLock lock) = 0;
  virtual Page<domain::Advertiser> List(const AdvertiserFilter& filter,
                                        const PageRequest& page) = 0;
  /// Inserts and returns the stored row. Throws app::Error kInvalidInput at /contact_email when
  /// the database's own check of the address disagrees with the domain's.
  virtual domain::Advertiser Insert(const domain::Advertiser& advertiser) = 0;
  /// Writes every mutable field; returns the stored row (its new version). Same error.
  virtual domain::Advertiser Update(const domain::Advertiser& advertiser) = 0;
  /// Its live products and campaigns; call with the row locked for delete.
  virtual AdvertiserDependents Dependents(const domain::Uuid& id) = 0;
  /// Marks it deleted.
  virtual void SoftDelete(const domain::Uuid& id) = 0;

  /// Whether the advertiser (live or deleted) is already erased, locked against any change
  /// until the transaction ends; nullopt when it never existed.
  virtual std::optional<bool> LockForErasure(const domain::Uuid& id) = 0;
  /// Replaces its personal data with placeholders (kErasedEmail, no billing details) and
  /// records when.
  virtual void ErasePersonalData(const domain::Uuid& id) = 0;
  /// Advertisers deleted more than `days` ago whose personal data is not yet erased, at most
  /// `limit`, oldest deletion first.
  virtual std::vector<domain::Uuid> DeletedAndNotErased(int days, int limit) = 0;
};

}  // namespace nedlia::app
