#include "api/json_document.hpp"

#include <atomic>
#include <utility>
#include <vector>

namespace nedlia::api {
namespace {

bool HasNul(const std::string& text) {
  return text.find('\0') != std::string::npos;
}

/// The first rule the document breaks, or empty. Iterative, so that the check itself cannot
/// run out of stack on a hostile document.
std::string Problem(const nlohmann::json& document) {
  std::vector<std::pair<const nlohmann::json*, int>> pending = {{&document, 1}};
  while (!pending.empty()) {
    const auto [value, depth] = pending.back();
    pending.pop_back();
    if (depth > kMaxDocumentDepth)
      return "must nest at most " + std::to_string(kMaxDocumentDepth) + " levels deep";
    if (value->is_string() && HasNul(value->get_ref<const std::string&>()))
      return "must not contain the character U+0000";
    if (value->is_object()) {
      for (const auto& [key, member] : value->items()) {
        if (HasNul(key))
          return "must not contain the character U+0000";
        pending.emplace_back(&member, depth + 1);
      }
    } else if (value->is_array()) {
      for (const auto& element : *value)
        pending.emplace_back(&element, depth + 1);
    }
  }
  return {};
}

std::atomic<std::size_t> max_document_bytes{std::size_t{64} * 1024};

}  // namespace

void SetMaxDocumentBytes(std::size_t bytes) {
  max_document_bytes.store(bytes);
}

std::size_t MaxDocumentBytes() {
  return max_document_bytes.load();
}

TakenDocument TakeDocument(nlohmann::json& object, std::string_view name,
                           nlohmann::json::value_t kind, domain::FieldErrors& errors) {
  const auto it = object.find(name);
  if (it == object.end())
    return {};
  nlohmann::json document = std::move(*it);
  object.erase(it);
  if (document.is_null())
    return {.state = TakenDocument::State::kNull, .text = {}};
  const std::string pointer = "/" + std::string(name);
  if (document.type() != kind) {
    errors.push_back({pointer, kind == nlohmann::json::value_t::array ? "must be an array"
                                                                      : "must be an object"});
    return {.state = TakenDocument::State::kInvalid, .text = {}};
  }
  if (std::string problem = Problem(document); !problem.empty()) {
    errors.push_back({pointer, std::move(problem)});
    return {.state = TakenDocument::State::kInvalid, .text = {}};
  }
  std::string text = document.dump();
  if (text.size() > MaxDocumentBytes()) {
    errors.push_back({pointer, "is " + std::to_string(text.size()) + " bytes as JSON; at most " +
                                   std::to_string(MaxDocumentBytes()) + " are accepted"});
    return {.state = TakenDocument::State::kInvalid, .text = {}};
  }
  return {.state = TakenDocument::State::kValue, .text = std::move(text)};
}

void TakeReadOnly(nlohmann::json& object, std::span<const std::string_view> names,
                  domain::FieldErrors& errors) {
  for (const std::string_view name : names) {
    const auto it = object.find(name);
    if (it == object.end())
      continue;
    object.erase(it);
    errors.push_back({"/" + std::string(name), "cannot be changed"});
  }
}

}  // namespace nedlia::api
