#include "api/sse.hpp"

#include "api/json_writer.hpp"

namespace nedlia::api {

nlohmann::json StructuredEvent(const app::FeedEvent& event) {
  nlohmann::json json = event.metadata;
  json["specversion"] = "1.0";
  json["id"] = event.id.ToString();
  json["type"] = event.type;
  json["time"] = Rfc3339(event.created_at_ms);
  json["nedliaposition"] = event.at.ToString();
  json["data"] = event.data;
  return json;
}

std::string SseMessage(const app::FeedEvent& event) {
  return "id: " + event.at.ToString() + "\nevent: " + event.type +
         "\ndata: " + StructuredEvent(event).dump() + "\n\n";
}

std::string SseComment(const std::string& text) {
  return ": " + text + "\n\n";
}

}  // namespace nedlia::api
