// The bodies of POST /v1/webhooks (from an admin key and from an advertiser's) and PATCH
// /v1/webhooks/{id}, then the URL rules that keep webhooks off internal networks (the URL's
// shape, its host as a name or an IP address) and the origin events may show. What a reader
// accepts reads back the same from the canonical body.
#include "api/webhook_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"
#include "domain/egress_policy.hpp"
#include "domain/url_origin.hpp"
#include "domain/webhook.hpp"
#include "domain/webhook_rules.hpp"

namespace nedlia::fuzz {
namespace {

using nlohmann::json;

const std::vector<std::string> kSubscribable = {"com.nedlia.placement.created.v2",
                                                "com.nedlia.placement.updated.v1",
                                                "com.nedlia.video.ready.v1"};

json BodyOf(const app::NewWebhook& input) {
  json body = {{"url", input.url}, {"event_types", input.event_types}};
  if (input.advertiser_id)
    body["advertiser_id"] = input.advertiser_id->ToString();
  return body;
}

json BodyOf(const app::WebhookPatch& patch) {
  json body = json::object();
  if (patch.url)
    body["url"] = *patch.url;
  if (patch.event_types)
    body["event_types"] = *patch.event_types;
  if (patch.status)
    body["status"] = domain::WebhookStatusName(*patch.status);
  return body;
}

// In production (no loopback) and in development (loopback over plain http allowed).
void CheckUrl(const std::string& url) {
  bool accepted_in_production = false;
  for (const bool development : {false, true}) {
    const domain::WebhookUrlRules rules{
        .allow_loopback_http = development,
        .egress = development ? domain::EgressPolicy::Development() : domain::EgressPolicy{}};
    const domain::FieldErrors errors = domain::ValidateWebhookUrl(url, rules);
    CheckFieldErrors(errors);
    if (!development)
      accepted_in_production = errors.empty();
  }
  const std::string origin = domain::UrlOrigin(url);
  const std::size_t host = origin.find("://");
  Check(
      origin.empty() || (host != std::string::npos && origin.find('@', host) == std::string::npos),
      "an origin is scheme://host, never with the URL's user info");
  Check(!accepted_in_production || origin.starts_with("https://"),
        "a URL accepted in production has an https origin");
}

void CheckNew(std::string_view text, bool admin) {
  const auto input = ReadBody([&] { return api::ReadNewWebhook(text, admin); });
  if (!input)
    return;
  Check(!admin || input->advertiser_id, "an admin names the webhook's advertiser");
  CheckUrl(input->url);
  CheckFieldErrors(domain::ValidateWebhookEventTypes(input->event_types, kSubscribable));
  const app::NewWebhook again =
      ReadBack([&] { return api::ReadNewWebhook(BodyOf(*input).dump(), admin); });
  Check(again.advertiser_id == input->advertiser_id && again.url == input->url &&
            again.event_types == input->event_types,
        "a new webhook reads back the same");
}

void CheckPatch(std::string_view text) {
  const auto patch = ReadBody([&] { return api::ReadWebhookPatch(text); });
  if (!patch)
    return;
  if (patch->url)
    CheckUrl(*patch->url);
  if (patch->event_types)
    CheckFieldErrors(domain::ValidateWebhookEventTypes(*patch->event_types, kSubscribable));
  const app::WebhookPatch again =
      ReadBack([&] { return api::ReadWebhookPatch(BodyOf(*patch).dump()); });
  Check(again.url == patch->url && again.event_types == patch->event_types &&
            again.status == patch->status,
        "a webhook patch reads back the same");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = nedlia::fuzz::AsText(data, size);
  nedlia::fuzz::CheckNew(text, true);
  nedlia::fuzz::CheckNew(text, false);
  nedlia::fuzz::CheckPatch(text);
  return 0;
}
