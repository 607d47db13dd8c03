#include "app/campaign_commands.hpp"

#include <nlohmann/json.hpp>

#include "app/campaign_events.hpp"
#include "app/errors.hpp"
#include "app/tenancy.hpp"
#include "domain/campaign_rules.hpp"
#include "domain/decimal.hpp"
#include "domain/money.hpp"
#include "domain/text_fields.hpp"

namespace nedlia::app {
namespace {

using domain::CampaignStatus;

// A spend that fails its conditions is diagnosed by reading the row again; if the row
// changed in between so that the spend now fits, it is tried again, a few times at most.
constexpr int kSpendAttempts = 3;
constexpr std::size_t kMaxName = 255;

void Add(domain::FieldErrors& errors, domain::FieldErrors more) {
  errors.insert(errors.end(), more.begin(), more.end());
}

/// The rules a campaign's own fields obey, whatever changed them.
domain::FieldErrors ValidateOwnFields(const domain::Campaign& campaign) {
  domain::FieldErrors errors = domain::ValidateText(campaign.name, kMaxName, "/name");
  const domain::FieldErrors currency = domain::ValidateCurrency(campaign.currency, "/currency");
  Add(errors, currency);
  // One complaint per field: the minor-unit rule only for a known currency, the spent rule
  // only for an amount that is valid in itself.
  domain::FieldErrors budget = domain::ValidateAmount(
      campaign.budget_hundredths, currency.empty() ? campaign.currency : "", "/budget");
  if (budget.empty())
    budget = domain::ValidateBudget(campaign.budget_hundredths, campaign.spent_hundredths);
  Add(errors, std::move(budget));
  Add(errors, domain::ValidateCampaignDates(campaign.start_date, campaign.end_date));
  return errors;
}

domain::Campaign FindVisible(Transaction& tx, const Principal& caller, const domain::Uuid& id,
                             RowLock lock) {
  return RequireVisibleBy(
      tx.Campaigns().Find(id, lock), caller,
      [](const domain::Campaign& campaign) { return campaign.advertiser_id; }, "campaign");
}

/// The advertiser a new campaign belongs to (see OwnerForNew), which must exist; its errors go
/// into `errors` beside the campaign's own.
std::optional<domain::Uuid> ResolveAdvertiser(Transaction& tx, const Principal& caller,
                                              const std::optional<domain::Uuid>& named,
                                              domain::FieldErrors& errors) {
  const std::size_t known_errors = errors.size();
  const std::optional<domain::Uuid> advertiser = OwnerForNew(caller, named, errors);
  if (errors.size() != known_errors)
    return std::nullopt;
  if (!advertiser || !tx.Campaigns().AdvertiserExists(*advertiser)) {
    errors.push_back(kNoSuchAdvertiser);
    return std::nullopt;
  }
  return advertiser;
}

/// What a PATCH changed: the fields other than status (the updated event's "changes") and the
/// status the campaign moved from, if it moved.
struct Changes {
  nlohmann::json fields = nlohmann::json::object();
  std::optional<CampaignStatus> moved_from;
  bool Empty() const { return fields.empty() && !moved_from; }
};

/// Applies the patch to `campaign`, recording the moves it may not make in `errors`.
Changes Apply(const CampaignPatch& patch, domain::Campaign& campaign, domain::FieldErrors& errors) {
  Changes changes;
  const CampaignStatus original_status = campaign.status;
  if (patch.name && *patch.name != campaign.name) {
    campaign.name = *patch.name;
    changes.fields["name"] = campaign.name;
  }
  if (patch.budget_hundredths && *patch.budget_hundredths != campaign.budget_hundredths) {
    campaign.budget_hundredths = *patch.budget_hundredths;
    changes.fields["budget"] = MoneyData(campaign.budget_hundredths);
  }
  if (patch.currency && *patch.currency != campaign.currency) {
    // Once a campaign ran, its amounts were counted in its currency: relabelling them would
    // change what was spent.
    if (original_status != CampaignStatus::kDraft)
      errors.push_back({"/currency", "can be changed only while the campaign is a draft"});
    campaign.currency = *patch.currency;
    changes.fields["currency"] = campaign.currency;
  }
  if (patch.start_date && *patch.start_date != campaign.start_date) {
    campaign.start_date = *patch.start_date;
    changes.fields["start_date"] = campaign.start_date.ToString();
  }
  if (patch.end_date && *patch.end_date != campaign.end_date) {
    campaign.end_date = *patch.end_date;
    changes.fields["end_date"] = campaign.end_date.ToString();
  }
  if (patch.status && *patch.status != original_status) {
    if (!domain::CanMove(original_status, *patch.status)) {
      errors.push_back({"/status", "a campaign cannot go from " +
                                       std::string(ToString(original_status)) + " to " +
                                       std::string(ToString(*patch.status))});
    }
    campaign.status = *patch.status;
    changes.moved_from = original_status;
  }
  return changes;
}

/// Throws the reason a spend of `amount` on `campaign` (as it is now) cannot happen; returns
/// when it could after all (the row changed since the spend was refused).
void ExplainRefusedSpend(const domain::Campaign& campaign, std::int64_t amount) {
  if (campaign.status != CampaignStatus::kActive) {
    throw Error(ErrorKind::kConflict, "only an active campaign can spend; this one is " +
                                          std::string(ToString(campaign.status)));
  }
  if (!domain::Spend(campaign.budget_hundredths, campaign.spent_hundredths, amount)) {
    const std::int64_t remaining = campaign.budget_hundredths - campaign.spent_hundredths;
    throw Error(ErrorKind::kConflict,
                "the spend would exceed the budget: remaining " +
                    domain::FormatDecimal(remaining, domain::kMoneyDecimals) + " " +
                    campaign.currency,
                {{"/amount", "would exceed the budget: remaining " +
                                 domain::FormatDecimal(remaining, domain::kMoneyDecimals)}});
  }
}

}  // namespace

domain::Campaign CreateCampaign(Transaction& tx, const CallContext& context,
                                const NewCampaign& input) {
  domain::Campaign campaign{.id = domain::Uuid::NewV7(),
                            .name = input.name,
                            .budget_hundredths = input.budget_hundredths,
                            .currency = input.currency,
                            .status = input.status,
                            .start_date = input.start_date,
                            .end_date = input.end_date,
                            .audit = {.created_by = context.principal.id}};
  domain::FieldErrors errors = ValidateOwnFields(campaign);
  if (campaign.status != CampaignStatus::kDraft)
    errors.push_back({"/status", "a new campaign is a draft: activate it with PATCH"});
  const auto advertiser = ResolveAdvertiser(tx, context.principal, input.advertiser_id, errors);
  ThrowIfInvalid(std::move(errors));
  campaign.advertiser_id = *advertiser;
  campaign = tx.Campaigns().Insert(campaign);
  tx.Outbox().Append(CampaignCreated(campaign));
  return campaign;
}

domain::Campaign GetCampaign(Transaction& tx, const Principal& caller, const domain::Uuid& id) {
  return FindVisible(tx, caller, id, RowLock::kNone);
}

Page<domain::Campaign> ListCampaigns(Transaction& tx, const Principal& caller,
                                     CampaignFilter filter, const PageRequest& page) {
  if (!NarrowToTenant(caller, filter.advertiser_id))
    return {};
  return tx.Campaigns().List(filter, page);
}

domain::Campaign UpdateCampaign(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                                std::int32_t expected_version, const CampaignPatch& patch) {
  domain::Campaign campaign = FindVisible(tx, context.principal, id, RowLock::kUpdate);
  CheckVersion(expected_version, campaign.audit.version, "campaign");
  domain::FieldErrors errors;
  const Changes changes = Apply(patch, campaign, errors);
  if (changes.Empty())
    return campaign;
  // The row is locked, so spent cannot grow past a lowered budget before this commits.
  Add(errors, ValidateOwnFields(campaign));
  ThrowIfInvalid(std::move(errors));
  campaign = tx.Campaigns().Update(campaign);
  if (!changes.fields.empty())
    tx.Outbox().Append(CampaignUpdated(campaign, changes.fields, expected_version));
  if (changes.moved_from) {
    tx.Outbox().Append(CampaignStatusMoved(campaign, *changes.moved_from, context.principal.id));
  }
  return campaign;
}

void DeleteCampaign(Transaction& tx, const CallContext& context, const domain::Uuid& id,
                    std::int32_t expected_version) {
  const domain::Campaign campaign = FindVisible(tx, context.principal, id, RowLock::kUpdate);
  CheckVersion(expected_version, campaign.audit.version, "campaign");
  tx.Campaigns().SoftDelete(id);
  tx.Outbox().Append(CampaignDeleted(campaign, context.principal.id));
}

domain::Campaign SpendOnCampaign(Transaction& tx, const CallContext& context,
                                 const domain::Uuid& id, std::int64_t amount_hundredths) {
  domain::Campaign campaign = FindVisible(tx, context.principal, id, RowLock::kNone);
  domain::FieldErrors errors =
      domain::ValidateAmount(amount_hundredths, campaign.currency, "/amount");
  if (errors.empty() && amount_hundredths == 0)
    errors.push_back({"/amount", "must be greater than 0"});
  ThrowIfInvalid(std::move(errors));
  for (int attempt = 0; attempt < kSpendAttempts; ++attempt) {
    // The store's single conditional UPDATE is what keeps spent within budget under
    // concurrency; the reads around it only explain a refusal.
    if (auto updated = tx.Campaigns().AddSpend(id, amount_hundredths)) {
      tx.Outbox().Append(CampaignSpent(*updated, amount_hundredths));
      if (updated->spent_hundredths == updated->budget_hundredths)
        tx.Outbox().Append(CampaignBudgetExhausted(*updated));
      return std::move(*updated);
    }
    campaign = FindVisible(tx, context.principal, id, RowLock::kNone);
    ExplainRefusedSpend(campaign, amount_hundredths);
  }
  throw Error(ErrorKind::kConflict, "the campaign kept changing during the spend: retry");
}

Page<CampaignProduct> ListCampaignProducts(Transaction& tx, const Principal& caller,
                                           const domain::Uuid& campaign_id,
                                           const PageRequest& page) {
  FindVisible(tx, caller, campaign_id, RowLock::kNone);
  return tx.Campaigns().Products(campaign_id, page);
}

CampaignProductLink AddCampaignProduct(Transaction& tx, const CallContext& context,
                                       const domain::Uuid& campaign_id,
                                       const domain::Uuid& product_id) {
  // Shared locks: neither the campaign nor the product can be deleted under the new link.
  const domain::Campaign campaign =
      FindVisible(tx, context.principal, campaign_id, RowLock::kShare);
  const auto owner = tx.Campaigns().ProductOwner(product_id);
  if (!owner || *owner != campaign.advertiser_id) {
    ThrowIfInvalid({{"/path/product_id", "no such product of the campaign's advertiser"}});
  }
  if (auto link = tx.Campaigns().Link(campaign_id, product_id)) {
    tx.Outbox().Append(CampaignProductAdded(campaign, product_id, context.principal.id));
    return {std::move(*link), true};
  }
  auto existing = tx.Campaigns().FindLink(campaign_id, product_id);
  if (!existing)
    throw NotFound("campaign product");  // unlinked concurrently: the caller may retry
  return {std::move(*existing), false};
}

void RemoveCampaignProduct(Transaction& tx, const CallContext& context,
                           const domain::Uuid& campaign_id, const domain::Uuid& product_id) {
  const domain::Campaign campaign =
      FindVisible(tx, context.principal, campaign_id, RowLock::kShare);
  if (!tx.Campaigns().Unlink(campaign_id, product_id))
    throw NotFound("campaign product");
  tx.Outbox().Append(CampaignProductRemoved(campaign, product_id, context.principal.id));
}

}  // namespace nedlia::app
