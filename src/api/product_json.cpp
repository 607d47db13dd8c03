#include "api/product_json.hpp"

#include "api/json_document.hpp"
#include "api/json_reader.hpp"
#include "api/json_writer.hpp"
#include "app/errors.hpp"
#include "domain/product_rules.hpp"

namespace nedlia::api {
namespace {

using Presence = ObjectReader::Presence;
using DocumentState = TakenDocument::State;

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxCategory = 100;
constexpr std::array<std::string_view, 1> kImmutable = {"advertiser_id"};

std::optional<std::string> ReadDescription(ObjectReader& body, Presence presence) {
  return body.FreeText("description", domain::kMaxProductDescription, presence);
}

/// Reads a nullable member of a PATCH: absent (leave), null (clear) or a value.
template <typename Read>
std::optional<std::optional<std::string>> Nullable(ObjectReader& body, std::string_view name,
                                                   Read read) {
  if (!body.Has(name))
    return std::nullopt;
  if (body.IsNull(name))
    return std::optional<std::string>();
  auto value = read();
  if (!value)
    return std::nullopt;  // the reader recorded why
  return std::optional<std::string>(std::move(*value));
}

}  // namespace

nlohmann::json ProductJson(const domain::Product& product) {
  nlohmann::json json = {{"id", product.id.ToString()},
                         {"advertiser_id", product.advertiser_id.ToString()},
                         {"name", product.name},
                         {"description", OrNull(product.description)},
                         {"category", OrNull(product.category)},
                         {"assets", Document(product.assets)}};
  AddAudit(json, product.audit);
  return json;
}

app::NewProduct ReadNewProduct(std::string_view text, bool admin) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  ObjectReader body(json, "", errors);
  app::NewProduct input{
      .advertiser_id = body.Id("advertiser_id", admin ? Presence::kRequired : Presence::kOptional),
      .name = body.Text("name", kMaxName, Presence::kRequired).value_or(""),
      .description = ReadDescription(body, Presence::kOptional),
      .category = body.Text("category", kMaxCategory, Presence::kOptional)};
  const TakenDocument assets = TakeDocument(json, "assets", nlohmann::json::value_t::array, errors);
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  if (assets.state == DocumentState::kValue)
    input.assets = assets.text;
  return input;
}

app::ProductPatch ReadProductPatch(std::string_view text) {
  nlohmann::json json = ParseJsonObject(text);
  domain::FieldErrors errors;
  TakeReadOnly(json, kServerOwnedMembers, errors);
  TakeReadOnly(json, kImmutable, errors);
  ObjectReader body(json, "", errors);
  app::ProductPatch patch;
  if (body.Sets("name"))
    patch.name = body.Text("name", kMaxName, Presence::kRequired);
  patch.description =
      Nullable(body, "description", [&] { return ReadDescription(body, Presence::kRequired); });
  patch.category = Nullable(
      body, "category", [&] { return body.Text("category", kMaxCategory, Presence::kRequired); });
  const TakenDocument assets = TakeDocument(json, "assets", nlohmann::json::value_t::array, errors);
  if (assets.state == DocumentState::kNull) {
    errors.push_back({"/assets", "cannot be null: send [] for no assets"});
  } else if (assets.state == DocumentState::kValue) {
    patch.assets = assets.text;
  }
  body.Finish();
  app::ThrowIfInvalid(std::move(errors));
  return patch;
}

}  // namespace nedlia::api
