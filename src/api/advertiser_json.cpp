#include "api/advertiser_json.hpp"

#include "api/json_document.hpp"
#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/errors.hpp"

namespace nedlia::api {
namespace {

using Presence = ObjectReader::Presence;
using DocumentState = TakenDocument::State;

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxEmail = 255;

std::optional<domain::AdvertiserStatus> ReadStatus(ObjectReader& body) {
  return body.Enumerated<domain::AdvertiserStatus>(
      "status", Presence::kOptional, domain::ParseStatus<domain::AdvertiserStatus>,
      domain::AllowedValues<domain::AdvertiserStatus>());
}

/// contact_email: a string no longer than its column (the domain checks its shape).
std::optional<std::string> ReadEmail(ObjectReader& body, Presence presence) {
  return body.Text("contact_email", kMaxEmail, presence);
}

}  // namespace

nlohmann::json AdvertiserJson(const domain::Advertiser& advertiser) {
  nlohmann::json json = {
      {"id", advertiser.id.ToString()},
      {"name", advertiser.name},
      {"contact_email", advertiser.contact_email},
      {"billing_info", advertiser.billing_info ? Document(*advertiser.billing_info) : nullptr},
      {"status", domain::ToString(advertiser.status)},
      {"erased_at", advertiser.erased_at ? nlohmann::json(Rfc3339(*advertiser.erased_at))
                                         : nlohmann::json(nullptr)}};
  AddAudit(json, advertiser.audit);
  return json;
}

app::NewAdvertiser ReadNewAdvertiser(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  ObjectReader body(json, "", errors);
  const auto name = body.Text("name", kMaxName, Presence::kRequired);
  const auto email = ReadEmail(body, Presence::kRequired);
  const TakenDocument billing =
      TakeDocument(json, "billing_info", nlohmann::json::value_t::object, errors);
  const auto status = ReadStatus(body);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  app::NewAdvertiser input{.name = *name,
                           .contact_email = *email,
                           .status = status.value_or(domain::AdvertiserStatus::kActive)};
  if (billing.state == DocumentState::kValue)
    input.billing_info = billing.text;
  return input;
}

app::AdvertiserPatch ReadAdvertiserPatch(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  ObjectReader body(json, "", errors);
  app::AdvertiserPatch patch;
  TakeReadOnly(json, kServerOwnedMembers, errors);
  if (body.Sets("name"))
    patch.name = body.Text("name", kMaxName, Presence::kRequired);
  if (body.Sets("contact_email"))
    patch.contact_email = ReadEmail(body, Presence::kRequired);
  const TakenDocument billing =
      TakeDocument(json, "billing_info", nlohmann::json::value_t::object, errors);
  if (billing.state == DocumentState::kNull) {
    patch.billing_info = std::optional<domain::OpaqueJson>();
  } else if (billing.state == DocumentState::kValue) {
    patch.billing_info = std::optional<domain::OpaqueJson>(billing.text);
  }
  if (body.Sets("status"))
    patch.status = ReadStatus(body);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return patch;
}

}  // namespace nedlia::api
