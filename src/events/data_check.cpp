#include "events/data_check.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "domain/date.hpp"
#include "domain/text_fields.hpp"
#include "domain/uuid.hpp"

namespace nedlia::events {
namespace {

bool AllDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

int Number(std::string_view digits) {
  int value = 0;
  for (const char c : digits)
    value = value * 10 + (c - '0');
  return value;
}

bool IsDate(std::string_view text) {
  return domain::Date::Parse(text).has_value();
}

bool IsEmail(std::string_view text) {
  return domain::ValidateEmail(text, "").empty();
}

bool HasFormat(const std::string& format, std::string_view text) {
  if (format == "uuid")
    return IsUuid(text);
  if (format == "date")
    return IsDate(text);
  if (format == "date-time")
    return IsRfc3339Time(text);
  if (format == "uri")
    return IsUri(text);
  if (format == "email")
    return IsEmail(text);
  return true;
}

std::string Escape(const std::string& key) {  // RFC 6901
  std::string escaped;
  for (const char c : key) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

/// 0 rather than 0.0, 0.001 rather than 1e-03.
std::string FormatNumber(double value) {
  if (std::trunc(value) == value && std::abs(value) < 1e15)
    return std::to_string(static_cast<std::int64_t>(value));
  return nlohmann::json(value).dump();
}

bool HasType(FieldType type, const nlohmann::json& value) {
  switch (type) {
    case FieldType::kString:
      return value.is_string();
    case FieldType::kNumber:
      return value.is_number();
    case FieldType::kInteger:
      return value.is_number_integer() ||
             (value.is_number_float() && std::trunc(value.get<double>()) == value.get<double>());
    case FieldType::kBoolean:
      return value.is_boolean();
    case FieldType::kObject:
      return value.is_object();
    case FieldType::kArray:
      return value.is_array();
    case FieldType::kAny:
      return true;
  }
  return false;
}

class Checker {
 public:
  std::vector<SchemaViolation> violations;

  void Object(const Fields& fields, const nlohmann::json& object, const std::string& at) {
    for (const auto& [name, field] : fields) {
      const auto it = object.find(name);
      if (it == object.end()) {
        if (field.required)
          Add(at + "/" + Escape(name), "is required");
        continue;
      }
      Value(field, *it, at + "/" + Escape(name));
    }
    for (const auto& [key, value] : object.items()) {
      const bool known = std::any_of(fields.begin(), fields.end(),
                                     [&](const auto& entry) { return entry.first == key; });
      if (!known)
        Add(at + "/" + Escape(key), "is not a field of this event (the schema is closed)");
    }
  }

  void Value(const FieldSpec& field, const nlohmann::json& value, const std::string& at) {
    if (field.sensitive) {
      if (value != nlohmann::json::parse(field.redacted))
        Add(at, "is sensitive: events carry only its redacted value, " + field.redacted);
      return;
    }
    if (value.is_null()) {
      if (!field.nullable)
        Add(at, "must not be null");
      return;
    }
    if (!HasType(field.type, value)) {
      Add(at, "must be " + std::string(field.type == FieldType::kInteger ? "an " : "a ") +
                  std::string(ToString(field.type)));
      return;
    }
    switch (field.type) {
      case FieldType::kString:
        String(field, value.get_ref<const std::string&>(), at);
        break;
      case FieldType::kNumber:
      case FieldType::kInteger:
        Bounds(field, value.get<double>(), at);
        break;
      case FieldType::kObject:
        if (!field.additional_properties)
          Object(field.properties, value, at);
        break;
      case FieldType::kArray:
        for (std::size_t i = 0; i < value.size(); ++i)
          Value(*field.items, value[i], at + "/" + std::to_string(i));
        break;
      case FieldType::kBoolean:
      case FieldType::kAny:
        break;
    }
  }

 private:
  void Add(std::string pointer, std::string message) {
    violations.push_back({std::move(pointer), std::move(message)});
  }

  void String(const FieldSpec& field, const std::string& text, const std::string& at) {
    if (!field.format.empty() && !HasFormat(field.format, text))
      Add(at, "must be a valid " + field.format);
    if (!field.enum_values.empty() && std::find(field.enum_values.begin(), field.enum_values.end(),
                                                text) == field.enum_values.end())
      Add(at, "must be one of the listed values, not \"" + text + "\"");
    // Lengths count characters (code points), as JSON Schema does, not bytes.
    const auto length = static_cast<std::int64_t>(std::count_if(
        text.begin(), text.end(), [](unsigned char c) { return (c & 0xC0) != 0x80; }));
    if (field.min_length && length < *field.min_length)
      Add(at, "must be at least " + std::to_string(*field.min_length) + " characters");
    if (field.max_length && length > *field.max_length)
      Add(at, "must be at most " + std::to_string(*field.max_length) + " characters");
  }

  void Bounds(const FieldSpec& field, double number, const std::string& at) {
    if (field.minimum && number < *field.minimum)
      Add(at, "must be at least " + FormatNumber(*field.minimum));
    if (field.maximum && number > *field.maximum)
      Add(at, "must be at most " + FormatNumber(*field.maximum));
  }
};

}  // namespace

bool IsUuid(std::string_view text) {
  return domain::Uuid::Parse(text).has_value();
}

bool IsUri(std::string_view text) {
  // RFC 3986: scheme ":" hier-part; the scheme starts with a letter.
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size() ||
      !std::isalpha(static_cast<unsigned char>(text[0])))
    return false;
  const bool scheme_ok = std::all_of(text.begin(), text.begin() + colon, [](unsigned char c) {
    return std::isalnum(c) || c == '+' || c == '-' || c == '.';
  });
  const bool no_space = std::none_of(
      text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); });
  return scheme_ok && no_space;
}

bool IsRfc3339Time(std::string_view text) {
  // 2026-11-25T17:00:00Z, with optional fraction and a Z or ±hh:mm offset.
  if (text.size() < 20 || !IsDate(text.substr(0, 10)) || (text[10] != 'T' && text[10] != 't'))
    return false;
  const std::string_view clock = text.substr(11, 8);
  if (clock[2] != ':' || clock[5] != ':' || !AllDigits(clock.substr(0, 2)) ||
      !AllDigits(clock.substr(3, 2)) || !AllDigits(clock.substr(6, 2)) ||
      Number(clock.substr(0, 2)) > 23 || Number(clock.substr(3, 2)) > 59 ||
      Number(clock.substr(6, 2)) > 60)
    return false;
  std::string_view rest = text.substr(19);
  if (rest.front() == '.') {
    std::size_t digits = 1;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits])))
      ++digits;
    if (digits == 1)
      return false;
    rest = rest.substr(digits);
  }
  if (rest == "Z" || rest == "z")
    return true;
  return rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
         AllDigits(rest.substr(1, 2)) && AllDigits(rest.substr(4, 2)) &&
         Number(rest.substr(1, 2)) <= 23 && Number(rest.substr(4, 2)) <= 59;
}

std::vector<SchemaViolation> CheckData(const Fields& fields, const nlohmann::json& data) {
  Checker checker;
  if (!data.is_object())
    return {{"", "the data of an event must be a JSON object"}};
  checker.Object(fields, data, "");
  return checker.violations;
}

}  // namespace nedlia::events
