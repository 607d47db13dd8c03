#include "http/request.hpp"

#include <array>
#include <stdexcept>

#include "encoding/percent.hpp"

namespace nedlia::http {
namespace {

constexpr std::array<std::pair<Method, std::string_view>, 7> kMethodNames{{
    {Method::kGet, "GET"},
    {Method::kHead, "HEAD"},
    {Method::kPost, "POST"},
    {Method::kPut, "PUT"},
    {Method::kPatch, "PATCH"},
    {Method::kDelete, "DELETE"},
    {Method::kOptions, "OPTIONS"},
}};

// Decodes one query component; a malformed escape is kept verbatim (see Request::Query).
std::string DecodeQueryComponent(std::string_view text) {
  return encoding::PercentDecode(text, true).value_or(std::string(text));
}

}  // namespace

std::string_view MethodName(Method method) {
  for (const auto& [known, name] : kMethodNames) {
    if (known == method) {
      return name;
    }
  }
  return "UNKNOWN";
}

std::optional<Method> ParseMethod(std::string_view name) {
  for (const auto& [known, known_name] : kMethodNames) {
    if (known_name == name) {
      return known;
    }
  }
  return std::nullopt;
}

Request Request::For(Method method, std::string_view target) {
  Request request;
  request.method = method;
  request.SetTarget(target);
  return request;
}

void Request::SetTarget(std::string_view request_target) {
  target = std::string(request_target);
  const std::string_view without_fragment = request_target.substr(0, request_target.find('#'));
  const std::size_t question = without_fragment.find('?');
  path = std::string(without_fragment.substr(0, question));
  query =
      question == std::string_view::npos ? "" : std::string(without_fragment.substr(question + 1));
}

std::optional<std::string> Request::Query(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const std::size_t equals = pair.find('=');
    if (DecodeQueryComponent(pair.substr(0, equals)) != name) {
      continue;
    }
    return equals == std::string_view::npos ? std::string()
                                            : DecodeQueryComponent(pair.substr(equals + 1));
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  return FindHeader(headers, name);
}

const std::string& Request::PathParam(std::string_view name) const {
  for (const auto& [param, value] : path_params) {
    if (param == name) {
      return value;
    }
  }
  throw std::out_of_range("no path parameter '" + std::string(name) + "' in the matched route");
}

}  // namespace nedlia::http
