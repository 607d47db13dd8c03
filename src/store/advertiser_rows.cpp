#include "store/advertiser_rows.hpp"

#include <string>

#include "app/errors.hpp"
#include "pg/errors.hpp"
#include "store/row_mapping.hpp"

namespace nedlia::store {
namespace {

// The columns every query returns, in the order RowToAdvertiser reads them.
const std::string kColumns = "a.id, a.name, a.contact_email, a.billing_info::text, a.status, " +
                             EpochMs("a.created_at") + ", " + EpochMs("a.updated_at") +
                             ", a.created_by, a.version, " + EpochMs("a.erased_at");

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM advertisers a WHERE a.id = $1 AND a.deleted_at IS NULL";
// The lock strengths of app::AdvertiserLock. Under READ COMMITTED a locking read that waited
// re-checks "deleted_at IS NULL" on the row as the other transaction left it.
const std::string kFindKeyShareSql = kFindSql + " FOR KEY SHARE";
const std::string kFindChangeSql = kFindSql + " FOR NO KEY UPDATE";
const std::string kFindDeleteSql = kFindSql + " FOR UPDATE";
const std::string kInsertSql = R"sql(
    INSERT INTO advertisers AS a (id, name, contact_email, billing_info, status, created_by)
    VALUES ($1, $2, $3, $4::jsonb, $5, $6)
    RETURNING )sql" + kColumns;
const std::string kUpdateSql = R"sql(
    UPDATE advertisers AS a
    SET name = $2, contact_email = $3, billing_info = $4::jsonb, status = $5
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

const pg::Statement kFind{"advertiser_find", kFindSql};
const pg::Statement kFindKeyShare{"advertiser_find_key_share", kFindKeyShareSql};
const pg::Statement kFindChange{"advertiser_find_for_change", kFindChangeSql};
const pg::Statement kFindDelete{"advertiser_find_for_delete", kFindDeleteSql};
const pg::Statement kInsert{"advertiser_insert", kInsertSql};
const pg::Statement kUpdate{"advertiser_update", kUpdateSql};

const pg::Statement kDependents{"advertiser_dependents", R"sql(
    SELECT EXISTS (SELECT FROM products WHERE advertiser_id = $1 AND deleted_at IS NULL),
           EXISTS (SELECT FROM campaigns WHERE advertiser_id = $1 AND deleted_at IS NULL))sql"};

const pg::Statement kSoftDelete{
    "advertiser_soft_delete",
    "UPDATE advertisers SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL"};

const pg::Statement kLockForErasure{
    "advertiser_lock_for_erasure",
    "SELECT erased_at IS NOT NULL FROM advertisers WHERE id = $1 FOR UPDATE"};
const pg::Statement kErase{"advertiser_erase", R"sql(
    UPDATE advertisers SET contact_email = $2, billing_info = NULL, erased_at = now()
    WHERE id = $1)sql"};
const pg::Statement kDeletedAndNotErased{"advertisers_deleted_not_erased", R"sql(
    SELECT id FROM advertisers
    WHERE deleted_at < now() - make_interval(days => $1) AND erased_at IS NULL
    ORDER BY deleted_at LIMIT $2)sql"};

const pg::Statement& FindStatement(app::AdvertiserLock lock) {
  switch (lock) {
    case app::AdvertiserLock::kNone:
      return kFind;
    case app::AdvertiserLock::kKeyShare:
      return kFindKeyShare;
    case app::AdvertiserLock::kChange:
      return kFindChange;
    case app::AdvertiserLock::kDelete:
      return kFindDelete;
  }
  return kFind;
}

domain::Advertiser RowToAdvertiser(const pg::Row& row) {
  return domain::Advertiser{.id = row[0].As<domain::Uuid>(),
                            .name = row[1].As<std::string>(),
                            .contact_email = row[2].As<std::string>(),
                            .billing_info = row[3].As<std::optional<std::string>>(),
                            .status = StatusOf<domain::AdvertiserStatus>(row[4]),
                            .audit = {.created_at = row[5].As<std::int64_t>(),
                                      .updated_at = row[6].As<std::int64_t>(),
                                      .created_by = row[7].As<std::optional<domain::Uuid>>(),
                                      .version = row[8].As<std::int32_t>()},
                            .erased_at = row[9].As<std::optional<std::int64_t>>()};
}

/// Runs a write, turning the table's e-mail check into the application's invalid input: the
/// database's notion of white space (its locale's) is wider than the domain's ASCII one.
template <class Write>
pg::Result TranslatingEmailCheck(Write&& write) {
  try {
    return write();
  } catch (const pg::CheckViolation& error) {
    if (error.Constraint() != "chk_contact_email")
      throw;
    throw app::Error(app::ErrorKind::kInvalidInput, "the request has invalid fields",
                     {{"/contact_email", "must be an e-mail address such as ads@example.com"}});
  }
}

}  // namespace

std::optional<domain::Advertiser> AdvertiserRows::Find(const domain::Uuid& id,
                                                       app::AdvertiserLock lock) {
  const pg::Result result = connection_.Execute(FindStatement(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToAdvertiser(result[0]);
}

app::Page<domain::Advertiser> AdvertiserRows::List(const app::AdvertiserFilter& filter,
                                                   const app::PageRequest& page) {
  // Fixed fragments chosen by which filters are present; every value is a bound parameter.
  std::string sql = "SELECT " + kColumns + " FROM advertisers a WHERE a.deleted_at IS NULL";
  pg::Params params;
  auto where = [&](const char* condition, const auto& value) {
    params.Add(value);
    sql += std::string(" AND ") + condition + std::to_string(params.Count());
  };
  if (filter.id)
    where("a.id = $", *filter.id);
  if (filter.status)
    where("a.status = $", std::string(ToString(*filter.status)));
  if (page.after)
    where("a.id > $", *page.after);
  params.Add(page.limit + 1);
  sql += " ORDER BY a.id LIMIT $" + std::to_string(params.Count());

  app::Page<domain::Advertiser> result;
  for (const pg::Row& row : connection_.Execute(sql, params))
    result.items.push_back(RowToAdvertiser(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().id;
  }
  return result;
}

domain::Advertiser AdvertiserRows::Insert(const domain::Advertiser& advertiser) {
  const pg::Params params(advertiser.id, advertiser.name, advertiser.contact_email,
                          advertiser.billing_info, std::string(ToString(advertiser.status)),
                          advertiser.audit.created_by);
  return RowToAdvertiser(
      TranslatingEmailCheck([&] { return connection_.Execute(kInsert, params); }).Single());
}

domain::Advertiser AdvertiserRows::Update(const domain::Advertiser& advertiser) {
  const pg::Params params(advertiser.id, advertiser.name, advertiser.contact_email,
                          advertiser.billing_info, std::string(ToString(advertiser.status)));
  return RowToAdvertiser(
      TranslatingEmailCheck([&] { return connection_.Execute(kUpdate, params); }).Single());
}

app::AdvertiserDependents AdvertiserRows::Dependents(const domain::Uuid& id) {
  const pg::Row row = connection_.Execute(kDependents, pg::Params(id)).Single();
  return {.live_products = row[0].As<bool>(), .live_campaigns = row[1].As<bool>()};
}

void AdvertiserRows::SoftDelete(const domain::Uuid& id) {
  connection_.Execute(kSoftDelete, pg::Params(id));
}

std::optional<bool> AdvertiserRows::LockForErasure(const domain::Uuid& id) {
  const pg::Result found = connection_.Execute(kLockForErasure, pg::Params(id));
  if (found.RowCount() == 0)
    return std::nullopt;
  return found[0][0].As<bool>();
}

void AdvertiserRows::ErasePersonalData(const domain::Uuid& id) {
  connection_.Execute(kErase, pg::Params(id, std::string(app::kErasedEmail)));
}

std::vector<domain::Uuid> AdvertiserRows::DeletedAndNotErased(int days, int limit) {
  std::vector<domain::Uuid> ids;
  for (const pg::Row row : connection_.Execute(kDeletedAndNotErased, pg::Params(days, limit)))
    ids.push_back(row[0].As<domain::Uuid>());
  return ids;
}

}  // namespace nedlia::store
