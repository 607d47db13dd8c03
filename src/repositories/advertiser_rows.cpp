#include "repositories/advertiser_rows.hpp"

#include <string>

#include "app/errors.hpp"
#include "pg/errors.hpp"
#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

// The columns every query returns, and where RowToAdvertiser finds each.
struct AdvertiserColumns : EntityColumns {
  int id = Add("a.id");
  int name = Add("a.name");
  int contact_email = Add("a.contact_email");
  int billing_info = Add("a.billing_info::text");
  int status = Add("a.status");
  AuditColumns audit = AddAudit("a");
  int erased_at = Add(EpochMs("a.erased_at"));
};
const AdvertiserColumns kColumn;
const std::string kColumns = kColumn.Sql();

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM advertisers a WHERE a.id = $1 AND a.deleted_at IS NULL";
const std::string kInsertSql = R"sql(
    INSERT INTO advertisers AS a (id, name, contact_email, billing_info, status, created_by)
    VALUES ($1, $2, $3, $4::jsonb, $5, $6)
    RETURNING )sql" + kColumns;
const std::string kUpdateSql = R"sql(
    UPDATE advertisers AS a
    SET name = $2, contact_email = $3, billing_info = $4::jsonb, status = $5
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;

const LockedFind kFind{"advertiser_find", kFindSql};
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

domain::Advertiser RowToAdvertiser(const pg::Row& row) {
  return domain::Advertiser{
      .id = row[kColumn.id].As<domain::Uuid>(),
      .name = row[kColumn.name].As<std::string>(),
      .contact_email = row[kColumn.contact_email].As<std::string>(),
      .billing_info = row[kColumn.billing_info].As<std::optional<std::string>>(),
      .status = StatusOf<domain::AdvertiserStatus>(row[kColumn.status]),
      .audit = AuditOf(row, kColumn.audit),
      .erased_at = row[kColumn.erased_at].As<std::optional<std::int64_t>>()};
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

std::optional<domain::Advertiser> AdvertiserRows::Find(const domain::Uuid& id, app::RowLock lock) {
  const pg::Result result = connection_.Execute(kFind.For(lock), pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return RowToAdvertiser(result[0]);
}

app::Page<domain::Advertiser> AdvertiserRows::List(const app::AdvertiserFilter& filter,
                                                   const app::PageRequest& page) {
  return KeysetQuery("SELECT " + kColumns + " FROM advertisers a WHERE a.deleted_at IS NULL",
                     "a.id")
      .WhereIf("a.id =", filter.id)
      .WhereIf("a.status =", StatusText(filter.status))
      .ReadPage(connection_, page, RowToAdvertiser, kIdOf);
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

}  // namespace nedlia::repositories
