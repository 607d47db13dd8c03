#include "repositories/api_key_rows.hpp"

#include "app/api_keys.hpp"
#include "pg/errors.hpp"
#include "repositories/row_mapping.hpp"
#include "repositories/select_list.hpp"

namespace nedlia::repositories {
namespace {

// A key's columns, and where RowToKey finds each; queries of active keys add the secret's hash
// after them.
struct KeyColumns : SelectList {
  int id = Add("id");
  int name = Add("name");
  int role = Add("role");
  int advertiser_id = Add("advertiser_id");
  int created_at = Add(EpochMs("created_at"));
  int revoked_at = Add(EpochMs("revoked_at"));
  int secret_hash = Count();
};
const KeyColumns kColumn;
const std::string kColumns = kColumn.Sql();
// A key bound to an advertiser dies with it: deleting the advertiser revokes its keys in
// effect (suspension does not; a suspended advertiser may still read its data).
const std::string kActive = R"sql( revoked_at IS NULL
      AND NOT EXISTS (SELECT FROM advertisers a
                      WHERE a.id = k.advertiser_id AND a.deleted_at IS NOT NULL))sql";
const std::string kFindActiveSql =
    "SELECT " + kColumns + " FROM api_keys k WHERE secret_hash = $1 AND" + kActive;
// The hash comes last, after the columns RowToKey reads.
const std::string kFindActiveAmongSql = "SELECT " + kColumns +
                                        ", secret_hash FROM api_keys k "
                                        "WHERE secret_hash = ANY ($1::text[]) AND" +
                                        kActive;
const std::string kListActiveSql = "SELECT " + kColumns + ", secret_hash FROM api_keys k WHERE" +
                                   kActive + " ORDER BY created_at DESC LIMIT $1";
const std::string kInsertSql =
    "INSERT INTO api_keys (id, name, role, advertiser_id, secret_hash) VALUES ($1, $2, $3, $4, "
    "$5) RETURNING " +
    kColumns;
const std::string kListSql = "SELECT " + kColumns + " FROM api_keys ORDER BY id";

const pg::Statement kFindActive{"api_key_find_active", kFindActiveSql};
const pg::Statement kFindActiveAmong{"api_key_find_active_among", kFindActiveAmongSql};
const pg::Statement kListActive{"api_key_list_active", kListActiveSql};
const pg::Statement kInsert{"api_key_insert", kInsertSql};
const pg::Statement kList{"api_key_list", kListSql};
const pg::Statement kRevoke{
    "api_key_revoke",
    "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL"};
// "nedlia" in ASCII, then 3: taken by whoever checks for the first key (1 is the migrator's).
const pg::Statement kAnyIssued{
    "api_key_any_issued",
    "SELECT pg_advisory_xact_lock(x'6E65646C69610003'::bigint), EXISTS (SELECT FROM api_keys)"};
const pg::Statement kAdvertiserExists{
    "api_key_advertiser_exists",
    "SELECT EXISTS (SELECT FROM advertisers WHERE id = $1 AND deleted_at IS NULL)"};

app::ApiKeyRecord RowToKey(const pg::Row& row) {
  const auto role = app::ParseRole(row[kColumn.role].View());
  if (!role) {
    throw pg::ConversionError("api_keys.role holds '" + std::string(row[kColumn.role].View()) +
                              "'");
  }
  return app::ApiKeyRecord{
      .id = row[kColumn.id].As<domain::Uuid>(),
      .name = row[kColumn.name].As<std::string>(),
      .role = *role,
      .advertiser_id = row[kColumn.advertiser_id].As<std::optional<domain::Uuid>>(),
      .created_at = row[kColumn.created_at].As<std::int64_t>(),
      .revoked_at = row[kColumn.revoked_at].As<std::optional<std::int64_t>>()};
}

}  // namespace

std::optional<app::ApiKeyRecord> ApiKeyRows::FindActive(const std::string& secret_hash) {
  const pg::Result result = connection_.Execute(kFindActive, pg::Params(secret_hash));
  if (result.Empty())
    return std::nullopt;
  return RowToKey(result[0]);
}

std::vector<app::ActiveKey> ApiKeyRows::FindActiveAmong(
    const std::vector<std::string>& secret_hashes) {
  std::vector<app::ActiveKey> keys;
  for (const pg::Row& row : connection_.Execute(kFindActiveAmong, pg::Params(secret_hashes))) {
    keys.push_back(
        {.secret_hash = row[kColumn.secret_hash].As<std::string>(), .record = RowToKey(row)});
  }
  return keys;
}

std::vector<app::ActiveKey> ApiKeyRows::ListActive(std::size_t limit) {
  std::vector<app::ActiveKey> keys;
  const auto rows = connection_.Execute(kListActive, pg::Params(static_cast<std::int64_t>(limit)));
  for (const pg::Row& row : rows) {
    keys.push_back(
        {.secret_hash = row[kColumn.secret_hash].As<std::string>(), .record = RowToKey(row)});
  }
  return keys;
}

app::ApiKeyRecord ApiKeyRows::Insert(const app::ApiKeyRecord& key, const std::string& secret_hash) {
  return RowToKey(
      connection_
          .Execute(kInsert, pg::Params(key.id, key.name, std::string(app::ToString(key.role)),
                                       key.advertiser_id, secret_hash))
          .Single());
}

std::vector<app::ApiKeyRecord> ApiKeyRows::List() {
  std::vector<app::ApiKeyRecord> keys;
  for (const pg::Row& row : connection_.Execute(kList))
    keys.push_back(RowToKey(row));
  return keys;
}

bool ApiKeyRows::Revoke(const domain::Uuid& id) {
  return connection_.Execute(kRevoke, pg::Params(id)).AffectedRows() == 1;
}

bool ApiKeyRows::AnyIssuedLocking() {
  return connection_.Execute(kAnyIssued).Single()[1].As<bool>();
}

bool ApiKeyRows::AdvertiserExists(const domain::Uuid& advertiser_id) {
  return connection_.Execute(kAdvertiserExists, pg::Params(advertiser_id)).Single()[0].As<bool>();
}

}  // namespace nedlia::repositories
