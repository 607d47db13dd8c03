#include "api/json_reader.hpp"

#include <cmath>

#include "app/errors.hpp"
#include "domain/decimal.hpp"
#include "domain/money.hpp"
#include "domain/text_fields.hpp"
#include "domain/time_range.hpp"
#include "encoding/json_pointer.hpp"

namespace nedlia::api {

nlohmann::json ParseJsonObject(std::string_view body) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& error) {
    throw app::Error(
        app::ErrorKind::kInvalidInput,
        "the request body is not valid JSON (error at byte " + std::to_string(error.byte) + ")",
        {{"", "must be a JSON object"}});
  } catch (const nlohmann::json::out_of_range&) {
    // A number beyond double's range (1e400): JSON has no infinities.
    throw app::Error(app::ErrorKind::kInvalidInput,
                     "the request body holds a number too large to represent",
                     {{"", "must be a JSON object with finite numbers"}});
  }
  if (!json.is_object()) {
    throw app::Error(app::ErrorKind::kInvalidInput, "the request body must be a JSON object",
                     {{"", "must be a JSON object"}});
  }
  return json;
}

ObjectReader::ObjectReader(const nlohmann::json& object, std::string pointer,
                           domain::FieldErrors& errors)
    : object_(object), pointer_(std::move(pointer)), errors_(errors) {}

std::string ObjectReader::PointerTo(std::string_view name) const {
  return pointer_ + "/" + encoding::JsonPointerToken(name);
}

void ObjectReader::Fail(std::string_view name, std::string message) {
  errors_.push_back({PointerTo(name), std::move(message)});
}

bool ObjectReader::Has(std::string_view name) const {
  return object_.contains(name);
}

bool ObjectReader::IsNull(std::string_view name) {
  const auto it = object_.find(name);
  if (it == object_.end() || !it->is_null())
    return false;
  read_.emplace(name);
  return true;
}

bool ObjectReader::Sets(std::string_view name) {
  if (!Has(name))
    return false;
  if (IsNull(name)) {
    Fail(name, "cannot be null");
    return false;
  }
  return true;
}

const nlohmann::json* ObjectReader::Member(std::string_view name, Presence presence) {
  read_.emplace(name);
  const auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) {
    if (presence == Presence::kRequired)
      Fail(name, "is required");
    return nullptr;
  }
  return &*it;
}

std::optional<std::string> ObjectReader::FreeText(std::string_view name, std::size_t max_length,
                                                  Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  if (!member->is_string()) {
    Fail(name, "must be a string");
    return std::nullopt;
  }
  const auto& text = member->get_ref<const std::string&>();
  const auto errors = domain::ValidateFreeText(text, max_length, PointerTo(name));
  errors_.insert(errors_.end(), errors.begin(), errors.end());
  return errors.empty() ? std::optional<std::string>(text) : std::nullopt;
}

std::optional<std::string> ObjectReader::Text(std::string_view name, std::size_t max_length,
                                              Presence presence) {
  auto text = FreeText(name, max_length, presence);
  if (!text)
    return std::nullopt;
  const auto errors = domain::ValidateText(*text, max_length, PointerTo(name));
  errors_.insert(errors_.end(), errors.begin(), errors.end());
  return errors.empty() ? text : std::nullopt;
}

std::optional<domain::Uuid> ObjectReader::Id(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  std::optional<domain::Uuid> id;
  if (member->is_string())
    id = domain::Uuid::Parse(member->get_ref<const std::string&>());
  if (!id)
    Fail(name, "must be a UUID such as 0190f6d2-7a3e-7c4b-8d5e-0123456789ab");
  return id;
}

std::optional<std::int64_t> ObjectReader::Seconds(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  std::optional<std::int64_t> ms;
  if (member->is_number()) {
    ms = domain::ScaleExactly(member->get<double>(), domain::kSecondsDecimals,
                              domain::kSecondsIntegerDigits);
  }
  if (!ms)
    Fail(name, "must be a number of seconds with at most 3 decimals, below 10000000");
  return ms;
}

std::optional<std::int64_t> ObjectReader::Money(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  std::optional<std::int64_t> hundredths;
  if (member->is_number()) {
    hundredths = domain::ScaleExactly(member->get<double>(), domain::kMoneyDecimals,
                                      domain::kMoneyIntegerDigits);
  } else if (member->is_string()) {
    hundredths =
        domain::ParseDecimal(member->get_ref<const std::string&>(), domain::kMoneyDecimals);
    if (hundredths && *hundredths > domain::kMaxHundredths)
      hundredths.reset();
  }
  if (!hundredths)
    Fail(name, "must be an amount with at most 2 decimals, below 10000000000");
  return hundredths;
}

std::optional<double> ObjectReader::Number(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  if (!member->is_number() || !std::isfinite(member->get<double>())) {
    Fail(name, "must be a finite number");
    return std::nullopt;
  }
  return member->get<double>();
}

std::optional<std::int64_t> ObjectReader::Integer(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  if (!member->is_number_integer()) {
    Fail(name, "must be an integer");
    return std::nullopt;
  }
  return member->get<std::int64_t>();
}

std::optional<domain::Date> ObjectReader::Date(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  std::optional<domain::Date> date;
  if (member->is_string())
    date = domain::Date::Parse(member->get_ref<const std::string&>());
  if (!date)
    Fail(name, "must be a date such as 2026-01-31");
  return date;
}

std::optional<ObjectReader> ObjectReader::Object(std::string_view name, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  if (!member->is_object()) {
    Fail(name, "must be an object");
    return std::nullopt;
  }
  return ObjectReader(*member, PointerTo(name), errors_);
}

std::optional<std::string> ObjectReader::Document(std::string_view name,
                                                  nlohmann::json::value_t kind, Presence presence) {
  const nlohmann::json* member = Member(name, presence);
  if (member == nullptr)
    return std::nullopt;
  if (member->type() != kind) {
    Fail(name, kind == nlohmann::json::value_t::array ? "must be an array" : "must be an object");
    return std::nullopt;
  }
  return member->dump();
}

void ObjectReader::Finish() {
  for (const auto& [name, value] : object_.items()) {
    if (!read_.contains(name))
      Fail(name, "is not a known field");
  }
}

}  // namespace nedlia::api
