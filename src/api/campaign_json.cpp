#include "api/campaign_json.hpp"

#include <initializer_list>

#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/campaign_events.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

using Presence = ObjectReader::Presence;

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxCurrency = 3;

/// Records each member of `names` the body holds as `message` and drops it, so that the reader
/// neither reads it nor reports it a second time as unknown.
void Reject(nlohmann::json& json, std::initializer_list<const char*> names,
            std::string_view message, domain::FieldErrors& errors) {
  for (const char* name : names) {
    if (json.contains(name)) {
      errors.push_back({std::string("/") + name, std::string(message)});
      json.erase(name);
    }
  }
}

std::optional<domain::CampaignStatus> ReadStatus(ObjectReader& body, Presence presence) {
  return body.Enumerated<domain::CampaignStatus>("status", presence,
                                                 domain::ParseStatus<domain::CampaignStatus>,
                                                 domain::AllowedValues<domain::CampaignStatus>());
}

/// Reads a member a PATCH may set but never clear: absent leaves it, null is refused.
template <typename Read>
auto Settable(ObjectReader& body, std::string_view name, Read read) -> decltype(read()) {
  if (!body.Sets(name))
    return std::nullopt;
  return read();
}

}  // namespace

nlohmann::json CampaignJson(const domain::Campaign& campaign) {
  nlohmann::json json = {{"id", campaign.id.ToString()},
                         {"advertiser_id", campaign.advertiser_id.ToString()},
                         {"name", campaign.name},
                         {"budget", app::MoneyData(campaign.budget_hundredths)},
                         {"spent", app::MoneyData(campaign.spent_hundredths)},
                         {"currency", campaign.currency},
                         {"status", domain::ToString(campaign.status)},
                         {"start_date", campaign.start_date.ToString()},
                         {"end_date", campaign.end_date.ToString()}};
  AddAudit(json, campaign.audit);
  return json;
}

nlohmann::json CampaignProductJson(const app::CampaignProduct& link) {
  return {{"campaign_id", link.campaign_id.ToString()},
          {"product_id", link.product_id.ToString()},
          {"product_name", link.product_name},
          {"linked_at", Rfc3339(link.linked_at)}};
}

app::NewCampaign ReadNewCampaign(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  Reject(json, {"spent"}, "cannot be set: it starts at 0 and only spends move it", errors);
  Reject(json, {"id", "version", "created_at", "updated_at", "created_by"}, "is set by the server",
         errors);
  ObjectReader body(json, "", errors);
  app::NewCampaign input{.advertiser_id = body.Id("advertiser_id", Presence::kOptional)};
  const auto name = body.Text("name", kMaxName, Presence::kRequired);
  const auto budget = body.Money("budget", Presence::kRequired);
  const auto currency = body.Text("currency", kMaxCurrency, Presence::kOptional);
  const auto status = ReadStatus(body, Presence::kOptional);
  const auto start_date = body.Date("start_date", Presence::kRequired);
  const auto end_date = body.Date("end_date", Presence::kRequired);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  input.name = *name;
  input.budget_hundredths = *budget;
  input.currency = currency.value_or("USD");
  input.status = status.value_or(domain::CampaignStatus::kDraft);
  input.start_date = *start_date;
  input.end_date = *end_date;
  return input;
}

app::CampaignPatch ReadCampaignPatch(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  Reject(json, {"spent"}, "cannot be changed: record spends with POST /v1/campaigns/{id}/spend",
         errors);
  Reject(json, {"id", "advertiser_id", "version", "created_at", "updated_at", "created_by"},
         "cannot be changed", errors);
  ObjectReader body(json, "", errors);
  app::CampaignPatch patch;
  patch.name =
      Settable(body, "name", [&] { return body.Text("name", kMaxName, Presence::kRequired); });
  patch.budget_hundredths =
      Settable(body, "budget", [&] { return body.Money("budget", Presence::kRequired); });
  patch.currency = Settable(
      body, "currency", [&] { return body.Text("currency", kMaxCurrency, Presence::kRequired); });
  patch.start_date =
      Settable(body, "start_date", [&] { return body.Date("start_date", Presence::kRequired); });
  patch.end_date =
      Settable(body, "end_date", [&] { return body.Date("end_date", Presence::kRequired); });
  patch.status = Settable(body, "status", [&] { return ReadStatus(body, Presence::kRequired); });
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return patch;
}

std::int64_t ReadSpendAmount(std::string_view text) {
  const nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  ObjectReader body(json, "", errors);
  const auto amount = body.Money("amount", Presence::kRequired);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return *amount;
}

}  // namespace nedlia::api
