// The bodies of POST /v1/advertisers and PATCH /v1/advertisers/{id}: every input goes through
// both readers. What a reader accepts must be valid for the domain or refused there with field
// errors, and must read back the same from the canonical body the API would send.
#include "api/advertiser_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"
#include "domain/advertiser_rules.hpp"
#include "domain/statuses.hpp"

namespace nedlia::fuzz {
namespace {

using nlohmann::json;

json BodyOf(const app::NewAdvertiser& input) {
  json body = {{"name", input.name},
               {"contact_email", input.contact_email},
               {"status", domain::ToString(input.status)}};
  if (input.billing_info)
    body["billing_info"] = json::parse(*input.billing_info);
  return body;
}

json BodyOf(const app::AdvertiserPatch& patch) {
  json body = json::object();
  if (patch.name)
    body["name"] = *patch.name;
  if (patch.contact_email)
    body["contact_email"] = *patch.contact_email;
  if (patch.billing_info)
    body["billing_info"] = *patch.billing_info ? json::parse(**patch.billing_info) : json(nullptr);
  if (patch.status)
    body["status"] = domain::ToString(*patch.status);
  return body;
}

void CheckNew(std::string_view text) {
  const auto input = ReadBody([&] { return api::ReadNewAdvertiser(text); });
  if (!input)
    return;
  if (input->billing_info)
    CheckDocument(*input->billing_info, json::value_t::object);
  CheckFieldErrors(domain::ValidateAdvertiser({.name = input->name,
                                               .contact_email = input->contact_email,
                                               .billing_info = input->billing_info,
                                               .status = input->status}));
  const app::NewAdvertiser again =
      ReadBack([&] { return api::ReadNewAdvertiser(BodyOf(*input).dump()); });
  Check(again.name == input->name && again.contact_email == input->contact_email &&
            again.billing_info == input->billing_info && again.status == input->status,
        "a new advertiser reads back the same");
}

void CheckPatch(std::string_view text) {
  const auto patch = ReadBody([&] { return api::ReadAdvertiserPatch(text); });
  if (!patch)
    return;
  if (patch->billing_info && *patch->billing_info)
    CheckDocument(**patch->billing_info, json::value_t::object);
  const app::AdvertiserPatch again =
      ReadBack([&] { return api::ReadAdvertiserPatch(BodyOf(*patch).dump()); });
  Check(again.name == patch->name && again.contact_email == patch->contact_email &&
            again.billing_info == patch->billing_info && again.status == patch->status,
        "an advertiser patch reads back the same");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = nedlia::fuzz::AsText(data, size);
  nedlia::fuzz::CheckNew(text);
  nedlia::fuzz::CheckPatch(text);
  return 0;
}
