#include "events/versions.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "domain/decimal.hpp"
#include "domain/time_range.hpp"
#include "domain/url_origin.hpp"

namespace nedlia::events {
namespace {

using Converter = nlohmann::json (*)(const nlohmann::json&);

/// One step between adjacent versions of a type.
struct Step {
  std::string_view type;
  int from;
  int to;
  Converter convert;
};

// com.nedlia.placement.created: v2 carries the time range in whole milliseconds (start_ms,
// end_ms) instead of seconds (start_time, end_time), and may carry status and position.

nlohmann::json PlacementCreatedV1ToV2(const nlohmann::json& v1) {
  nlohmann::json v2 = v1;
  const nlohmann::json& range = v1.at("time_range");
  const auto ms = [&](const char* key) {
    return static_cast<std::int64_t>(std::llround(range.at(key).get<double>() * 1000.0));
  };
  v2["time_range"] = {{"start_ms", ms("start_time")}, {"end_ms", ms("end_time")}};
  return v2;
}

nlohmann::json PlacementCreatedV2ToV1(const nlohmann::json& v2) {
  nlohmann::json v1 = v2;
  v1.erase("status");
  v1.erase("position");
  const nlohmann::json& range = v2.at("time_range");
  const auto seconds = [&](const char* key) {
    return domain::ToDouble(range.at(key).get<std::int64_t>(), domain::kSecondsDecimals);
  };
  v1["time_range"] = {{"start_time", seconds("start_ms")}, {"end_time", seconds("end_ms")}};
  return v1;
}

// Personal data and secrets left events at v2 of advertiser.created, advertiser.updated,
// webhook.created, webhook.updated and webhook.disabled. Going down, each field v1 had is marked
// with null where it goes, and the copy's writer puts the catalog's redacted value there
// (events::Redact).

nlohmann::json AdvertiserCreatedV1ToV2(const nlohmann::json& v1) {
  nlohmann::json v2 = v1;
  v2.erase("contact_email");
  return v2;
}

nlohmann::json AdvertiserCreatedV2ToV1(const nlohmann::json& v2) {
  nlohmann::json v1 = v2;
  v1["contact_email"] = nullptr;
  return v1;
}

/// advertiser.updated's fields in the order changed_fields lists them; the personal ones last.
constexpr std::array<const char*, 3> kAdvertiserFields = {"name", "contact_email", "billing_info"};

nlohmann::json AdvertiserUpdatedV1ToV2(const nlohmann::json& v1) {
  nlohmann::json v2 = v1;
  const nlohmann::json& changes = v1.at("changes");
  v2["changed_fields"] = nlohmann::json::array();
  v2["changes"] = nlohmann::json::object();
  for (const char* field : kAdvertiserFields) {
    if (changes.contains(field))
      v2["changed_fields"].push_back(field);
  }
  if (changes.contains("name"))
    v2["changes"]["name"] = changes.at("name");
  return v2;
}

nlohmann::json AdvertiserUpdatedV2ToV1(const nlohmann::json& v2) {
  nlohmann::json v1 = v2;
  v1.erase("changed_fields");
  for (const nlohmann::json& field : v2.at("changed_fields")) {
    if (field != "name")
      v1["changes"][field.get<std::string>()] = nullptr;
  }
  return v1;
}

/// Moves `object[from]` (a URL) to `object[to]` as its origin, or as null going down.
void ReplaceUrl(nlohmann::json& object, const char* from, const char* to, bool to_origin) {
  const auto url = object.find(from);
  if (url == object.end())
    return;
  nlohmann::json replaced = to_origin ? nlohmann::json(domain::UrlOrigin(url->get<std::string>()))
                                      : nlohmann::json(nullptr);
  object.erase(url);
  object[to] = std::move(replaced);
}

nlohmann::json WebhookCreatedV1ToV2(const nlohmann::json& v1) {
  nlohmann::json v2 = v1;
  ReplaceUrl(v2, "url", "url_origin", true);
  return v2;
}

nlohmann::json WebhookCreatedV2ToV1(const nlohmann::json& v2) {
  nlohmann::json v1 = v2;
  ReplaceUrl(v1, "url_origin", "url", false);
  return v1;
}

nlohmann::json WebhookUpdatedV1ToV2(const nlohmann::json& v1) {
  nlohmann::json v2 = v1;
  ReplaceUrl(v2.at("changes"), "url", "url_origin", true);
  return v2;
}

nlohmann::json WebhookUpdatedV2ToV1(const nlohmann::json& v2) {
  nlohmann::json v1 = v2;
  ReplaceUrl(v1.at("changes"), "url_origin", "url", false);
  return v1;
}

nlohmann::json WebhookDisabledV1ToV2(const nlohmann::json& v1) {
  return WebhookCreatedV1ToV2(v1);
}

nlohmann::json WebhookDisabledV2ToV1(const nlohmann::json& v2) {
  return WebhookCreatedV2ToV1(v2);
}

constexpr std::array kSteps{
    Step{"com.nedlia.placement.created", 1, 2, &PlacementCreatedV1ToV2},
    Step{"com.nedlia.placement.created", 2, 1, &PlacementCreatedV2ToV1},
    Step{"com.nedlia.advertiser.created", 1, 2, &AdvertiserCreatedV1ToV2},
    Step{"com.nedlia.advertiser.created", 2, 1, &AdvertiserCreatedV2ToV1},
    Step{"com.nedlia.advertiser.updated", 1, 2, &AdvertiserUpdatedV1ToV2},
    Step{"com.nedlia.advertiser.updated", 2, 1, &AdvertiserUpdatedV2ToV1},
    Step{"com.nedlia.webhook.created", 1, 2, &WebhookCreatedV1ToV2},
    Step{"com.nedlia.webhook.created", 2, 1, &WebhookCreatedV2ToV1},
    Step{"com.nedlia.webhook.updated", 1, 2, &WebhookUpdatedV1ToV2},
    Step{"com.nedlia.webhook.updated", 2, 1, &WebhookUpdatedV2ToV1},
    Step{"com.nedlia.webhook.disabled", 1, 2, &WebhookDisabledV1ToV2},
    Step{"com.nedlia.webhook.disabled", 2, 1, &WebhookDisabledV2ToV1},
};

const Step* FindStep(std::string_view type, int from, int to) {
  for (const Step& step : kSteps) {
    if (step.type == type && step.from == from && step.to == to)
      return &step;
  }
  return nullptr;
}

/// Each step from `from` to `to`, or an empty list when one is missing.
std::vector<const Step*> Path(std::string_view type, int from, int to) {
  std::vector<const Step*> path;
  for (int version = from; version != to;) {
    const int next = version < to ? version + 1 : version - 1;
    const Step* step = FindStep(type, version, next);
    if (step == nullptr)
      return {};
    path.push_back(step);
    version = next;
  }
  return path;
}

}  // namespace

bool CanConvert(std::string_view type, int from, int to) {
  return from == to || !Path(type, from, to).empty();
}

std::optional<nlohmann::json> ConvertData(std::string_view type, int from, int to,
                                          const nlohmann::json& data) {
  if (!CanConvert(type, from, to))
    return std::nullopt;
  nlohmann::json converted = data;
  for (const Step* step : Path(type, from, to))
    converted = step->convert(converted);
  return converted;
}

}  // namespace nedlia::events
