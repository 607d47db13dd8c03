#include "http/response.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace nedlia::http {
namespace {

Response WithBody(int status, std::string_view content_type, std::string body) {
  Response response;
  response.status = status;
  response.headers.push_back({"Content-Type", std::string(content_type)});
  response.body = std::move(body);
  return response;
}

// Serializes without ever throwing: a string that is not UTF-8 (a client's bytes echoed in a
// message) has its bad bytes replaced by U+FFFD instead of failing the whole answer.
std::string Dump(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Response Response::Json(int status, const nlohmann::json& body) {
  return WithBody(status, "application/json", Dump(body));
}

Response Response::Problem(int status, std::string_view title, std::string_view detail) {
  return Problem(status, title, detail, "about:blank", nlohmann::json::object());
}

Response Response::Problem(int status, std::string_view title, std::string_view detail,
                           std::string_view type, const nlohmann::json& extra) {
  nlohmann::json problem = extra.is_object() ? extra : nlohmann::json::object();
  problem["type"] = type;
  problem["title"] = title;
  problem["status"] = status;
  problem["detail"] = detail;
  return WithBody(status, "application/problem+json", Dump(problem));
}

Response Response::Text(int status, std::string body) {
  return WithBody(status, "text/plain; charset=utf-8", std::move(body));
}

void Response::SetHeader(std::string_view name, std::string_view value) {
  std::erase_if(headers,
                [name](const HeaderField& field) { return EqualsIgnoringCase(field.name, name); });
  headers.push_back({std::string(name), std::string(value)});
}

std::optional<std::string_view> Response::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

}  // namespace nedlia::http
