#include "retention/advertiser_erasure.hpp"

#include <limits>

#include "app/advertiser_commands.hpp"
#include "pg/transaction.hpp"
#include "repositories/pg_transaction.hpp"

namespace nedlia::retention {
namespace {

constexpr int kPerTransaction = 50;

}  // namespace

std::int64_t EraseLongDeletedAdvertisers(pg::Connection& connection, int days,
                                         const events::EnvelopeSettings& envelope) {
  const app::CallContext system{};  // no key: the erasure is the retention's
  std::int64_t erased = 0;
  for (;;) {
    pg::Transaction transaction(connection, {});
    repositories::PgTransaction tx(connection, system, envelope);
    const std::vector<domain::Uuid> due =
        tx.Advertisers().DeletedAndNotErased(days, kPerTransaction);
    for (const domain::Uuid& id : due)
      erased += app::EraseAdvertiser(tx, system, id) ? 1 : 0;
    transaction.Commit();
    if (static_cast<int>(due.size()) < kPerTransaction)
      return erased;
  }
}

std::int64_t CountLongDeletedAdvertisers(pg::Connection& connection, int days) {
  const app::CallContext system{};
  repositories::PgTransaction tx(connection, system, {});
  return static_cast<std::int64_t>(
      tx.Advertisers().DeletedAndNotErased(days, std::numeric_limits<int>::max()).size());
}

}  // namespace nedlia::retention
