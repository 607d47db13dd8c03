#include "api/conditional_get.hpp"

#include <array>
#include <string>
#include <string_view>

#include "crypto/digest.hpp"
#include "encoding/hex.hpp"

namespace nedlia::api {
namespace {

constexpr std::string_view kSpace = " \t";

/// A strong tag of the body: the first 16 bytes of its SHA-256, in hex.
std::string BodyTag(const std::string& body) {
  return "\"" + encoding::Hex(crypto::Sha256(body).substr(0, 16)) + "\"";
}

/// The tag without its weakness indicator, for the weak comparison If-None-Match uses.
std::string_view Opaque(std::string_view tag) {
  return tag.starts_with("W/") ? tag.substr(2) : tag;
}

/// Whether the If-None-Match field value ("*" or a comma-separated list of tags) matches.
bool NoneMatchMatches(std::string_view field, std::string_view etag) {
  while (!field.empty()) {
    const std::size_t comma = field.find(',');
    std::string_view member = field.substr(0, comma);
    const std::size_t first = member.find_first_not_of(kSpace);
    if (first != std::string_view::npos) {
      member = member.substr(first, member.find_last_not_of(kSpace) - first + 1);
      if (member == "*" || Opaque(member) == Opaque(etag))
        return true;
    }
    if (comma == std::string_view::npos)
      break;
    field.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

http::Response ConditionalGet(const http::Request& request, http::Response response) {
  if (request.method != http::Method::kGet || response.status != 200 || response.source)
    return response;
  std::string etag;
  if (const auto given = response.Header("ETag")) {
    etag = std::string(*given);
  } else {
    etag = BodyTag(response.body);
    response.SetHeader("ETag", etag);
  }
  const auto none_match = request.Header("If-None-Match");
  if (!none_match || !NoneMatchMatches(*none_match, etag))
    return response;
  http::Response not_modified;
  not_modified.status = 304;
  for (const http::HeaderField& field : response.headers) {
    if (field.name != "Content-Type")
      not_modified.headers.push_back(field);
  }
  return not_modified;
}

}  // namespace nedlia::api
