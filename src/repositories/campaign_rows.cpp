#include "repositories/campaign_rows.hpp"

#include <string>

#include "domain/money.hpp"
#include "pg/errors.hpp"
#include "repositories/keyset_query.hpp"
#include "repositories/locked_find.hpp"
#include "repositories/row_mapping.hpp"

namespace nedlia::repositories {
namespace {

using domain::kMoneyDecimals;

// The columns every campaign query returns, and where RowToCampaign finds each. Dates are
// formatted explicitly so that no session DateStyle can change their text.
struct CampaignColumns : EntityColumns {
  int id = Add("c.id");
  int advertiser_id = Add("c.advertiser_id");
  int name = Add("c.name");
  int budget = Add("c.budget::text");
  int spent = Add("c.spent::text");
  int currency = Add("c.currency");
  int status = Add("c.status");
  int start_date = Add("to_char(c.start_date, 'YYYY-MM-DD')");
  int end_date = Add("to_char(c.end_date, 'YYYY-MM-DD')");
  AuditColumns audit = AddAudit("c");
};
const CampaignColumns kColumn;
const std::string kColumns = kColumn.Sql();

// pg::Statement holds views: the texts built at start-up live in these strings.
const std::string kFindSql =
    "SELECT " + kColumns + " FROM campaigns c WHERE c.id = $1 AND c.deleted_at IS NULL";
const std::string kInsertSql = R"sql(
    INSERT INTO campaigns AS c (id, advertiser_id, name, budget, currency, status, start_date,
                                end_date, created_by)
    VALUES ($1, $2, $3, $4::numeric, $5, $6, $7::date, $8::date, $9)
    RETURNING )sql" + kColumns;
// spent is never written here: only AddSpend moves it.
const std::string kUpdateSql = R"sql(
    UPDATE campaigns AS c
    SET name = $2, budget = $3::numeric, currency = $4, status = $5, start_date = $6::date,
        end_date = $7::date
    WHERE id = $1 AND deleted_at IS NULL
    RETURNING )sql" + kColumns;
// The whole rule in one statement: concurrent spends queue on the row lock and each re-checks
// the WHERE clause against the row its predecessor committed (READ COMMITTED's re-evaluation
// of an updated row), so together they can never carry spent past budget. chk_budget backs it.
const std::string kAddSpendSql = R"sql(
    UPDATE campaigns AS c
    SET spent = spent + $2::numeric
    WHERE id = $1 AND deleted_at IS NULL AND status = 'active' AND spent + $2::numeric <= budget
    RETURNING )sql" + kColumns;

const LockedFind kFind{"campaign_find", kFindSql};
const pg::Statement kInsert{"campaign_insert", kInsertSql};
const pg::Statement kUpdate{"campaign_update", kUpdateSql};
const pg::Statement kAddSpend{"campaign_add_spend", kAddSpendSql};
const pg::Statement kSoftDelete{
    "campaign_soft_delete",
    "UPDATE campaigns SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL"};
const pg::Statement kAdvertiserExists{
    "campaign_advertiser_exists",
    "SELECT 1 FROM advertisers WHERE id = $1 AND deleted_at IS NULL FOR SHARE"};

// Campaign products: links to live products only; a soft-deleted product's link stays in the
// table (it goes with the product when retention purges it) but the API no longer sees it.
const std::string kLinkColumns =
    "cp.campaign_id, cp.product_id, p.name, " + EpochMs("cp.created_at");
const std::string kLinkSql = R"sql(
    WITH cp AS (
      INSERT INTO campaign_products (campaign_id, product_id) VALUES ($1, $2)
      ON CONFLICT DO NOTHING
      RETURNING campaign_id, product_id, created_at
    )
    SELECT )sql" + kLinkColumns +
                             " FROM cp JOIN products p ON p.id = cp.product_id";
const std::string kLinkedSql = "SELECT " + kLinkColumns + R"sql(
    FROM campaign_products cp JOIN products p ON p.id = cp.product_id
    WHERE cp.campaign_id = $1 AND p.deleted_at IS NULL)sql";
const std::string kFindLinkSql = kLinkedSql + " AND cp.product_id = $2";
const std::string kProductsSql = kLinkedSql + " ORDER BY cp.product_id LIMIT $2";
const std::string kProductsAfterSql =
    kLinkedSql + " AND cp.product_id > $3 ORDER BY cp.product_id LIMIT $2";

const pg::Statement kLink{"campaign_link_product", kLinkSql};
const pg::Statement kFindLink{"campaign_find_product_link", kFindLinkSql};
const pg::Statement kProducts{"campaign_products", kProductsSql};
const pg::Statement kProductsAfter{"campaign_products_after", kProductsAfterSql};
const pg::Statement kUnlink{"campaign_unlink_product", R"sql(
    DELETE FROM campaign_products cp USING products p
    WHERE cp.campaign_id = $1 AND cp.product_id = $2 AND p.id = cp.product_id
      AND p.deleted_at IS NULL)sql"};
const pg::Statement kProductOwner{
    "campaign_product_owner",
    "SELECT advertiser_id FROM products WHERE id = $1 AND deleted_at IS NULL FOR SHARE"};

domain::Campaign RowToCampaign(const pg::Row& row) {
  return domain::Campaign{.id = row[kColumn.id].As<domain::Uuid>(),
                          .advertiser_id = row[kColumn.advertiser_id].As<domain::Uuid>(),
                          .name = row[kColumn.name].As<std::string>(),
                          .budget_hundredths = ScaledDecimal(row[kColumn.budget], kMoneyDecimals),
                          .spent_hundredths = ScaledDecimal(row[kColumn.spent], kMoneyDecimals),
                          .currency = row[kColumn.currency].As<std::string>(),
                          .status = StatusOf<domain::CampaignStatus>(row[kColumn.status]),
                          .start_date = DateOf(row[kColumn.start_date]),
                          .end_date = DateOf(row[kColumn.end_date]),
                          .audit = AuditOf(row, kColumn.audit)};
}

app::CampaignProduct RowToLink(const pg::Row& row) {
  return app::CampaignProduct{.campaign_id = row[0].As<domain::Uuid>(),
                              .product_id = row[1].As<domain::Uuid>(),
                              .product_name = row[2].As<std::string>(),
                              .linked_at = row[3].As<std::int64_t>()};
}

std::optional<domain::Campaign> OptionalCampaign(const pg::Result& result) {
  if (result.Empty())
    return std::nullopt;
  return RowToCampaign(result[0]);
}

std::string Money(std::int64_t hundredths) {
  return domain::FormatDecimal(hundredths, kMoneyDecimals);
}

}  // namespace

bool CampaignRows::AdvertiserExists(const domain::Uuid& advertiser_id) {
  return !connection_.Execute(kAdvertiserExists, pg::Params(advertiser_id)).Empty();
}

std::optional<domain::Campaign> CampaignRows::Find(const domain::Uuid& id, app::RowLock lock) {
  return OptionalCampaign(connection_.Execute(kFind.For(lock), pg::Params(id)));
}

app::Page<domain::Campaign> CampaignRows::List(const app::CampaignFilter& filter,
                                               const app::PageRequest& page) {
  return KeysetQuery("SELECT " + kColumns + " FROM campaigns c WHERE c.deleted_at IS NULL", "c.id")
      .WhereIf("c.advertiser_id =", filter.advertiser_id)
      .WhereIf("c.status =", StatusText(filter.status))
      .ReadPage(connection_, page, RowToCampaign, kIdOf);
}

domain::Campaign CampaignRows::Insert(const domain::Campaign& campaign) {
  const pg::Params params(campaign.id, campaign.advertiser_id, campaign.name,
                          Money(campaign.budget_hundredths), campaign.currency,
                          std::string(ToString(campaign.status)), campaign.start_date.ToString(),
                          campaign.end_date.ToString(), campaign.audit.created_by);
  return RowToCampaign(connection_.Execute(kInsert, params).Single());
}

domain::Campaign CampaignRows::Update(const domain::Campaign& campaign) {
  const pg::Params params(campaign.id, campaign.name, Money(campaign.budget_hundredths),
                          campaign.currency, std::string(ToString(campaign.status)),
                          campaign.start_date.ToString(), campaign.end_date.ToString());
  return RowToCampaign(connection_.Execute(kUpdate, params).Single());
}

void CampaignRows::SoftDelete(const domain::Uuid& id) {
  connection_.Execute(kSoftDelete, pg::Params(id));
}

std::optional<domain::Campaign> CampaignRows::AddSpend(const domain::Uuid& id,
                                                       std::int64_t amount_hundredths) {
  return OptionalCampaign(connection_.Execute(kAddSpend, pg::Params(id, Money(amount_hundredths))));
}

std::optional<domain::Uuid> CampaignRows::ProductOwner(const domain::Uuid& product_id) {
  const pg::Result result = connection_.Execute(kProductOwner, pg::Params(product_id));
  if (result.Empty())
    return std::nullopt;
  return result[0][0].As<domain::Uuid>();
}

std::optional<app::CampaignProduct> CampaignRows::Link(const domain::Uuid& campaign_id,
                                                       const domain::Uuid& product_id) {
  const pg::Result result = connection_.Execute(kLink, pg::Params(campaign_id, product_id));
  if (result.Empty())
    return std::nullopt;
  return RowToLink(result[0]);
}

std::optional<app::CampaignProduct> CampaignRows::FindLink(const domain::Uuid& campaign_id,
                                                           const domain::Uuid& product_id) {
  const pg::Result result = connection_.Execute(kFindLink, pg::Params(campaign_id, product_id));
  if (result.Empty())
    return std::nullopt;
  return RowToLink(result[0]);
}

bool CampaignRows::Unlink(const domain::Uuid& campaign_id, const domain::Uuid& product_id) {
  return connection_.Execute(kUnlink, pg::Params(campaign_id, product_id)).AffectedRows() > 0;
}

app::Page<app::CampaignProduct> CampaignRows::Products(const domain::Uuid& campaign_id,
                                                       const app::PageRequest& page) {
  const pg::Result rows =
      page.after ? connection_.Execute(kProductsAfter,
                                       pg::Params(campaign_id, page.limit + 1, *page.after))
                 : connection_.Execute(kProducts, pg::Params(campaign_id, page.limit + 1));
  app::Page<app::CampaignProduct> result;
  for (const pg::Row& row : rows)
    result.items.push_back(RowToLink(row));
  if (static_cast<int>(result.items.size()) > page.limit) {
    result.items.pop_back();
    result.next_after = result.items.back().product_id;
  }
  return result;
}

}  // namespace nedlia::repositories
