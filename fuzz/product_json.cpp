// The bodies of POST /v1/products (from an admin key and from an advertiser's) and PATCH
// /v1/products/{id}: what a reader accepts is checked by the domain's rules (or refused there
// with field errors) and reads back the same from the canonical body.
#include "api/product_json.hpp"

#include <cstddef>
#include <cstdint>

#include "api_json_checks.hpp"
#include "domain/product_rules.hpp"

namespace nedlia::fuzz {
namespace {

using nlohmann::json;

json OrNull(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

json BodyOf(const app::NewProduct& input) {
  json body = {{"name", input.name},
               {"description", OrNull(input.description)},
               {"category", OrNull(input.category)},
               {"assets", json::parse(input.assets)}};
  if (input.advertiser_id)
    body["advertiser_id"] = input.advertiser_id->ToString();
  return body;
}

json BodyOf(const app::ProductPatch& patch) {
  json body = json::object();
  if (patch.name)
    body["name"] = *patch.name;
  if (patch.description)
    body["description"] = OrNull(*patch.description);
  if (patch.category)
    body["category"] = OrNull(*patch.category);
  if (patch.assets)
    body["assets"] = json::parse(*patch.assets);
  return body;
}

void CheckNew(std::string_view text, bool admin) {
  const auto input = ReadBody([&] { return api::ReadNewProduct(text, admin); });
  if (!input)
    return;
  Check(!admin || input->advertiser_id, "an admin names the product's advertiser");
  CheckDocument(input->assets, json::value_t::array);
  CheckFieldErrors(domain::ValidateProduct({.name = input->name,
                                            .description = input->description,
                                            .category = input->category,
                                            .assets = input->assets}));
  const app::NewProduct again =
      ReadBack([&] { return api::ReadNewProduct(BodyOf(*input).dump(), admin); });
  Check(again.advertiser_id == input->advertiser_id && again.name == input->name &&
            again.description == input->description && again.category == input->category &&
            again.assets == input->assets,
        "a new product reads back the same");
}

void CheckPatch(std::string_view text) {
  const auto patch = ReadBody([&] { return api::ReadProductPatch(text); });
  if (!patch)
    return;
  if (patch->assets)
    CheckDocument(*patch->assets, json::value_t::array);
  const app::ProductPatch again =
      ReadBack([&] { return api::ReadProductPatch(BodyOf(*patch).dump()); });
  Check(again.name == patch->name && again.description == patch->description &&
            again.category == patch->category && again.assets == patch->assets,
        "a product patch reads back the same");
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
