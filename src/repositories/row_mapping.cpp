#include "repositories/row_mapping.hpp"

#include <nlohmann/json.hpp>

#include "pg/errors.hpp"

namespace nedlia::repositories {
namespace {

[[noreturn]] void Unconvertible(const pg::Field& field, std::string_view what) {
  throw pg::ConversionError("column " + std::string(field.Name()) + " holds " + std::string(what) +
                            " '" + std::string(field.View()) + "'");
}

}  // namespace

std::int64_t ScaledDecimal(const pg::Field& field, int decimals) {
  const auto value = domain::ParseDecimal(field.View(), decimals);
  if (!value)
    Unconvertible(field, "an unexpected decimal");
  return *value;
}

template <typename Status>
Status StatusOf(const pg::Field& field) {
  const auto status = domain::ParseStatus<Status>(field.View());
  if (!status)
    Unconvertible(field, "an unknown status");
  return *status;
}

template domain::AdvertiserStatus StatusOf(const pg::Field&);
template domain::CampaignStatus StatusOf(const pg::Field&);
template domain::VideoStatus StatusOf(const pg::Field&);
template domain::PlacementStatus StatusOf(const pg::Field&);
template domain::ValidationRunStatus StatusOf(const pg::Field&);

domain::Date DateOf(const pg::Field& field) {
  const auto date = domain::Date::Parse(field.View());
  if (!date)
    Unconvertible(field, "an unexpected date");
  return *date;
}

std::optional<domain::Position> PositionOf(const pg::Field& field) {
  if (field.IsNull())
    return std::nullopt;
  const auto json = nlohmann::json::parse(field.View(), nullptr, false);
  try {
    return domain::Position{json.at("x").get<double>(), json.at("y").get<double>(),
                            json.at("width").get<double>(), json.at("height").get<double>()};
  } catch (const nlohmann::json::exception&) {
    Unconvertible(field, "a malformed position");
  }
}

std::string PositionJson(const domain::Position& position) {
  return nlohmann::json{
      {"x", position.x}, {"y", position.y}, {"width", position.width}, {"height", position.height}}
      .dump();
}

domain::Audit AuditOf(const pg::Row& row, const AuditColumns& at) {
  return {.created_at = row[at.created_at].As<std::int64_t>(),
          .updated_at = row[at.updated_at].As<std::int64_t>(),
          .created_by = row[at.created_by].As<std::optional<domain::Uuid>>(),
          .version = row[at.version].As<std::int32_t>()};
}

}  // namespace nedlia::repositories
