#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace nedlia::events {

/// A CloudEvents 1.0 event with JSON data (https://github.com/cloudevents/spec). The
/// extension attributes are top-level scalars (strings, integers, booleans) with lowercase
/// alphanumeric names, as the specification requires.
struct CloudEvent {
  std::string id;
  std::string source;
  std::string type;
  std::string time;        ///< RFC 3339, UTC; optional (empty: absent)
  std::string subject;     ///< optional
  std::string dataschema;  ///< optional, an absolute URI
  std::string datacontenttype = "application/json";
  std::map<std::string, nlohmann::json> extensions;  ///< e.g. traceparent, nedliaversion
  nlohmann::json data;                               ///< null when the event has no data

  bool operator==(const CloudEvent&) const = default;
};

/// An envelope that breaks the CloudEvents rules; the message names the attribute.
class InvalidCloudEvent : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Structured content mode: the whole event as one JSON object
/// (Content-Type: application/cloudevents+json).
nlohmann::json ToStructured(const CloudEvent& event);
/// Throws InvalidCloudEvent naming the first attribute that is missing or malformed.
CloudEvent FromStructured(const nlohmann::json& json);
/// The same from the event's JSON text, as a message on the bus carries it; throws
/// InvalidCloudEvent when the text is not JSON too.
CloudEvent ParseStructured(std::string_view text);

/// HTTP binary content mode: attributes as ce-* headers, the data as the body.
struct BinaryMessage {
  std::vector<std::pair<std::string, std::string>> headers;  ///< ce-id, ..., Content-Type
  std::string body;
};
BinaryMessage ToHttpBinary(const CloudEvent& event);
/// Header names are matched without regard to case; throws InvalidCloudEvent.
CloudEvent FromHttpBinary(const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& body);

}  // namespace nedlia::events
