#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/product_commands.hpp"

namespace nedlia::api {

/// A product as the API shows it: the specification's columns (assets as the JSON array it
/// was given) and the audit members with its version.
nlohmann::json ProductJson(const domain::Product& product);

/// The body of POST /v1/products; throws app::Error kInvalidInput naming every bad field.
/// advertiser_id is required from admin keys (`admin`), optional for an advertiser key.
app::NewProduct ReadNewProduct(std::string_view body, bool admin);
/// The body of PATCH /v1/products/{id}.
app::ProductPatch ReadProductPatch(std::string_view body);

}  // namespace nedlia::api
