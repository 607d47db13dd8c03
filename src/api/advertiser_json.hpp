#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/advertiser_commands.hpp"

namespace nedlia::api {

/// An advertiser as the API shows it: the specification's columns (billing_info as the JSON
/// object it was given, or null) and the audit members with its version.
nlohmann::json AdvertiserJson(const domain::Advertiser& advertiser);

/// The body of POST /v1/advertisers; throws app::Error kInvalidInput naming every bad field.
app::NewAdvertiser ReadNewAdvertiser(std::string_view body);
/// The body of PATCH /v1/advertisers/{id}.
app::AdvertiserPatch ReadAdvertiserPatch(std::string_view body);

}  // namespace nedlia::api
