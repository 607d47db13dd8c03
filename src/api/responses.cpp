#include "api/responses.hpp"

#include <fmt/format.h>

#include <charconv>

#include "app/errors.hpp"

namespace nedlia::api {
namespace {

constexpr int kDefaultLimit = 50;
constexpr int kMaxLimit = 200;
constexpr std::string_view kCursorPrefix = "c1.";

std::string QueryPointer(std::string_view name) {
  return "/query/" + std::string(name);
}

std::optional<std::int32_t> ParseVersionTag(std::string_view tag) {
  if (tag.starts_with("W/"))
    return std::nullopt;  // a weak tag never matches strongly
  if (tag.size() < 3 || tag.front() != '"' || tag.back() != '"')
    return std::nullopt;
  tag = tag.substr(1, tag.size() - 2);
  // "3-<hash of derived content>" (see ETagOf): the version is what If-Match compares.
  if (const std::size_t dash = tag.find('-'); dash != std::string_view::npos)
    tag = tag.substr(0, dash);
  std::int32_t version = 0;
  const auto [end, error] = std::from_chars(tag.data(), tag.data() + tag.size(), version);
  if (error != std::errc() || end != tag.data() + tag.size() || version < 1)
    return std::nullopt;
  return version;
}

}  // namespace

http::Response Envelope(int status, nlohmann::json data, nlohmann::json meta) {
  return http::Response::Json(status, {{"data", std::move(data)}, {"meta", std::move(meta)}});
}

std::string ETagOf(std::int32_t version, std::string_view derived) {
  if (derived.empty())
    return "\"" + std::to_string(version) + "\"";
  // FNV-1a: the same text gives the same tag on every node and release.
  std::uint64_t hash = 14695981039346656037ULL;
  for (const char c : derived) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return fmt::format("\"{}-{:016x}\"", version, hash);
}

std::int32_t RequiredIfMatch(const http::Request& request) {
  const auto header = request.Header("If-Match");
  if (!header) {
    throw app::Error(app::ErrorKind::kPreconditionRequired,
                     "send If-Match with the ETag of the version you are changing");
  }
  const auto version = ParseVersionTag(*header);
  if (!version) {
    throw app::Error(app::ErrorKind::kPreconditionFailed,
                     "If-Match must be the single strong ETag of the current version");
  }
  return *version;
}

std::string EncodeCursor(const domain::Uuid& after) {
  // The key's hex with a format tag: opaque to clients, and versioned for us.
  std::string text = after.ToString();
  std::erase(text, '-');
  return std::string(kCursorPrefix) + text;
}

app::PageRequest PageOf(const http::Request& request) {
  app::PageRequest page{.limit = kDefaultLimit};
  domain::FieldErrors errors;
  if (const auto limit = request.Query("limit")) {
    int value = 0;
    const auto [end, error] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (error != std::errc() || end != limit->data() + limit->size() || value < 1 ||
        value > kMaxLimit) {
      errors.push_back({QueryPointer("limit"), "must be an integer from 1 to 200"});
    }
    page.limit = value;
  }
  if (const auto cursor = request.Query("cursor")) {
    std::string hex =
        cursor->starts_with(kCursorPrefix) ? cursor->substr(kCursorPrefix.size()) : std::string();
    if (hex.size() == 32) {
      for (std::size_t at : {8U, 13U, 18U, 23U})
        hex.insert(at, 1, '-');
      page.after = domain::Uuid::Parse(hex);
    }
    if (!page.after)
      errors.push_back({QueryPointer("cursor"), "is not a cursor this API issued"});
  }
  app::ThrowIfInvalid(std::move(errors));
  return page;
}

nlohmann::json PageMeta(const app::PageRequest& request, const std::optional<domain::Uuid>& next) {
  return {{"limit", request.limit},
          {"next_cursor", next ? nlohmann::json(EncodeCursor(*next)) : nlohmann::json(nullptr)}};
}

domain::Uuid PathId(const http::Request& request, std::string_view name, std::string_view what) {
  const auto id = domain::Uuid::Parse(request.PathParam(name));
  if (!id)
    throw app::NotFound(std::string(what));
  return *id;
}

std::optional<domain::Uuid> QueryId(const http::Request& request, std::string_view name) {
  const auto text = request.Query(name);
  if (!text)
    return std::nullopt;
  const auto id = domain::Uuid::Parse(*text);
  if (!id)
    app::ThrowIfInvalid({{QueryPointer(name), "must be a UUID"}});
  return id;
}

}  // namespace nedlia::api
