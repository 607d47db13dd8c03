// The bodies of POST /v1/campaigns, PATCH /v1/campaigns/{id} and POST /v1/campaigns/{id}/spend:
// every input goes through the three readers. What a reader accepts is checked by the domain's
// rules (or refused there with field errors) and reads back the same from the canonical body,
// amounts written as the API writes them (numbers).
#include "api/campaign_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"
#include "app/campaign_events.hpp"
#include "domain/campaign_rules.hpp"
#include "domain/money.hpp"
#include "domain/statuses.hpp"
#include "domain/text_fields.hpp"

namespace nedlia::fuzz {
namespace {

using nlohmann::json;

json BodyOf(const app::NewCampaign& input) {
  json body = {{"name", input.name},
               {"budget", app::MoneyData(input.budget_hundredths)},
               {"currency", input.currency},
               {"status", domain::ToString(input.status)},
               {"start_date", input.start_date.ToString()},
               {"end_date", input.end_date.ToString()}};
  if (input.advertiser_id)
    body["advertiser_id"] = input.advertiser_id->ToString();
  return body;
}

json BodyOf(const app::CampaignPatch& patch) {
  json body = json::object();
  if (patch.name)
    body["name"] = *patch.name;
  if (patch.budget_hundredths)
    body["budget"] = app::MoneyData(*patch.budget_hundredths);
  if (patch.currency)
    body["currency"] = *patch.currency;
  if (patch.start_date)
    body["start_date"] = patch.start_date->ToString();
  if (patch.end_date)
    body["end_date"] = patch.end_date->ToString();
  if (patch.status)
    body["status"] = domain::ToString(*patch.status);
  return body;
}

void CheckNew(std::string_view text) {
  const auto input = ReadBody([&] { return api::ReadNewCampaign(text); });
  if (!input)
    return;
  CheckFieldErrors(domain::ValidateCurrency(input->currency, "/currency"));
  if (domain::ValidateCurrency(input->currency, "/currency").empty())
    CheckFieldErrors(domain::ValidateAmount(input->budget_hundredths, input->currency, "/budget"));
  CheckFieldErrors(domain::ValidateBudget(input->budget_hundredths, 0));
  CheckFieldErrors(domain::ValidateCampaignDates(input->start_date, input->end_date));
  const app::NewCampaign again =
      ReadBack([&] { return api::ReadNewCampaign(BodyOf(*input).dump()); });
  Check(again.advertiser_id == input->advertiser_id && again.name == input->name &&
            again.budget_hundredths == input->budget_hundredths &&
            again.currency == input->currency && again.status == input->status &&
            again.start_date == input->start_date && again.end_date == input->end_date,
        "a new campaign reads back the same");
}

void CheckPatch(std::string_view text) {
  const auto patch = ReadBody([&] { return api::ReadCampaignPatch(text); });
  if (!patch)
    return;
  const app::CampaignPatch again =
      ReadBack([&] { return api::ReadCampaignPatch(BodyOf(*patch).dump()); });
  Check(again.name == patch->name && again.budget_hundredths == patch->budget_hundredths &&
            again.currency == patch->currency && again.start_date == patch->start_date &&
            again.end_date == patch->end_date && again.status == patch->status,
        "a campaign patch reads back the same");
}

void CheckSpend(std::string_view text) {
  const auto amount = ReadBody([&] { return api::ReadSpendAmount(text); });
  if (!amount)
    return;
  Check(*amount <= domain::kMaxHundredths, "a spend fits the column");
  const json body = {{"amount", app::MoneyData(*amount)}};
  Check(ReadBack([&] { return api::ReadSpendAmount(body.dump()); }) == *amount,
        "a spend reads back the same");
  CheckFieldErrors(domain::ValidateAmount(*amount, "USD", "/amount"));
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = nedlia::fuzz::AsText(data, size);
  nedlia::fuzz::CheckNew(text);
  nedlia::fuzz::CheckPatch(text);
  nedlia::fuzz::CheckSpend(text);
  return 0;
}
