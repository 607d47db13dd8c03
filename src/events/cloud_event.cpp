#include "events/cloud_event.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "encoding/percent.hpp"
#include "events/data_check.hpp"

namespace nedlia::events {
namespace {

constexpr std::array<std::string_view, 9> kContextAttributes = {
    "specversion", "id",         "source",          "type", "time",
    "subject",     "dataschema", "datacontenttype", "data"};

bool IsExtensionName(std::string_view name) {
  return !name.empty() && name.size() <= 20 &&
         std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::islower(c) || std::isdigit(c); });
}

void Require(bool condition, const std::string& message) {
  if (!condition)
    throw InvalidCloudEvent(message);
}

/// The checks both content modes share, once the attributes are read.
void Validate(const CloudEvent& event) {
  Require(!event.id.empty(), "id is required and must be a non-empty string");
  Require(!event.source.empty(), "source is required and must be a non-empty URI-reference");
  Require(!event.type.empty(), "type is required and must be a non-empty string");
  Require(event.time.empty() || IsRfc3339Time(event.time), "time must be an RFC 3339 timestamp");
  Require(event.dataschema.empty() || IsUri(event.dataschema),
          "dataschema must be an absolute URI");
  for (const auto& [name, value] : event.extensions) {
    Require(IsExtensionName(name),
            "extension attribute \"" + name + "\" must be 1-20 lowercase letters or digits");
    Require(value.is_string() || value.is_number_integer() || value.is_boolean(),
            "extension attribute " + name + " must be a string, an integer or a boolean");
  }
}

std::string Text(const nlohmann::json& json, const char* name) {
  const auto it = json.find(name);
  if (it == json.end())
    return {};
  Require(it->is_string(), std::string(name) + " must be a string");
  return it->get<std::string>();
}

std::string ExtensionText(const nlohmann::json& value) {
  if (value.is_string())
    return value.get<std::string>();
  return value.dump();  // integers and booleans as their JSON text
}

// HTTP binding 3.1.3.2: in header values, bytes outside printable ASCII, space, '"' and '%'
// are percent-encoded (UTF-8 first).
std::string PercentEncoded(const std::string& value) {
  return encoding::PercentEncode(
      value, [](unsigned char c) { return c > 0x20 && c < 0x7F && c != '"' && c != '%'; });
}

std::string PercentDecoded(const std::string& value) {
  std::string decoded;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() &&
        std::isxdigit(static_cast<unsigned char>(value[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
      decoded += static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += value[i];
    }
  }
  return decoded;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

nlohmann::json ToStructured(const CloudEvent& event) {
  Validate(event);
  nlohmann::json json = {
      {"specversion", "1.0"}, {"id", event.id}, {"source", event.source}, {"type", event.type}};
  if (!event.time.empty())
    json["time"] = event.time;
  if (!event.subject.empty())
    json["subject"] = event.subject;
  if (!event.dataschema.empty())
    json["dataschema"] = event.dataschema;
  for (const auto& [name, value] : event.extensions)
    json[name] = value;
  if (!event.data.is_null()) {
    json["datacontenttype"] = event.datacontenttype;
    json["data"] = event.data;
  }
  return json;
}

CloudEvent FromStructured(const nlohmann::json& json) {
  Require(json.is_object(), "a CloudEvent in structured mode is a JSON object");
  const auto version = json.find("specversion");
  Require(version != json.end() && *version == "1.0", "specversion must be \"1.0\"");
  CloudEvent event;
  event.id = Text(json, "id");
  event.source = Text(json, "source");
  event.type = Text(json, "type");
  event.time = Text(json, "time");
  event.subject = Text(json, "subject");
  event.dataschema = Text(json, "dataschema");
  if (json.contains("datacontenttype"))
    event.datacontenttype = Text(json, "datacontenttype");
  Require(!json.contains("data_base64"), "data_base64 is not supported: events carry JSON data");
  Require(event.datacontenttype == "application/json" ||
              event.datacontenttype.starts_with("application/json;"),
          "datacontenttype must be application/json");
  if (json.contains("data"))
    event.data = json["data"];
  for (const auto& [name, value] : json.items()) {
    if (std::find(kContextAttributes.begin(), kContextAttributes.end(), name) ==
        kContextAttributes.end())
      event.extensions[name] = value;
  }
  Validate(event);
  return event;
}

CloudEvent ParseStructured(std::string_view text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    // parse_error, or out_of_range for a number beyond double's range (1e400)
    throw InvalidCloudEvent(std::string("the event is not JSON: ") + error.what());
  }
  return FromStructured(json);
}

BinaryMessage ToHttpBinary(const CloudEvent& event) {
  Validate(event);
  BinaryMessage message;
  auto header = [&](const std::string& name, const std::string& value) {
    if (!value.empty())
      message.headers.emplace_back("ce-" + name, PercentEncoded(value));
  };
  header("specversion", "1.0");
  header("id", event.id);
  header("source", event.source);
  header("type", event.type);
  header("time", event.time);
  header("subject", event.subject);
  header("dataschema", event.dataschema);
  for (const auto& [name, value] : event.extensions)
    header(name, ExtensionText(value));
  if (!event.data.is_null()) {
    message.headers.emplace_back("Content-Type", event.datacontenttype);
    message.body = event.data.dump();
  }
  return message;
}

CloudEvent FromHttpBinary(const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& body) {
  CloudEvent event;
  bool has_version = false;
  for (const auto& [raw_name, raw_value] : headers) {
    const std::string name = Lower(raw_name);
    const std::string value = name.starts_with("ce-") ? PercentDecoded(raw_value) : raw_value;
    if (name == "content-type") {
      event.datacontenttype = value;
      continue;
    }
    if (!name.starts_with("ce-"))
      continue;
    const std::string attribute = name.substr(3);
    // An attribute is present with a value or absent (ToHttpBinary writes no empty header).
    Require(!value.empty(), name + " is empty");
    // The data and its type travel as the body and Content-Type, never as ce-* headers; as
    // extensions they would turn into the data itself in structured mode.
    Require(attribute != "data" && attribute != "data_base64" && attribute != "datacontenttype",
            name + " is not an attribute: the data is the body, its type Content-Type");
    if (attribute == "specversion") {
      Require(value == "1.0", "ce-specversion must be 1.0");
      has_version = true;
    } else if (attribute == "id") {
      event.id = value;
    } else if (attribute == "source") {
      event.source = value;
    } else if (attribute == "type") {
      event.type = value;
    } else if (attribute == "time") {
      event.time = value;
    } else if (attribute == "subject") {
      event.subject = value;
    } else if (attribute == "dataschema") {
      event.dataschema = value;
    } else {
      event.extensions[attribute] = value;  // the binding carries every extension as a string
    }
  }
  Require(has_version, "ce-specversion is required");
  // Without a body there is no data for Content-Type to describe (ToHttpBinary sends none):
  // the event keeps the default, as in structured mode.
  if (body.empty())
    event.datacontenttype = CloudEvent{}.datacontenttype;
  if (!body.empty()) {
    Require(event.datacontenttype == "application/json" ||
                event.datacontenttype.starts_with("application/json;"),
            "Content-Type must be application/json");
    try {
      event.data = nlohmann::json::parse(body);
    } catch (const nlohmann::json::exception& error) {
      // parse_error, or out_of_range for a number beyond double's range (1e400)
      throw InvalidCloudEvent(std::string("the body is not JSON: ") + error.what());
    }
  }
  Validate(event);
  return event;
}

}  // namespace nedlia::events
