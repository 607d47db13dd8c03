#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/ports/page.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace nedlia::api {

/// {"data": data, "meta": meta} as application/json.
http::Response Envelope(int status, nlohmann::json data,
                        nlohmann::json meta = nlohmann::json::object());

/// The strong ETag of a version: "\"3\"".
/// `derived`: content that changes without a new version (a placement's file_url, which the
/// file generator sets): folded into the tag as a suffix ("3-1f0a..."), so that a conditional
/// GET sees the change, while If-Match still compares the version alone.
std::string ETagOf(std::int32_t version, std::string_view derived = {});
/// The version an If-Match names; kPreconditionRequired when absent, kPreconditionFailed when it
/// is "*"-less garbage or a list that cannot match a single version.
std::int32_t RequiredIfMatch(const http::Request& request);

/// An opaque, URL-safe cursor for the key after which the next page starts.
std::string EncodeCursor(const domain::Uuid& after);
/// The page a list request asks for: ?limit (1..200, default 50) and ?cursor; kInvalidInput
/// with a pointer to the query parameter when malformed.
app::PageRequest PageOf(const http::Request& request);
/// The "meta" of a list: {"next_cursor": ... or null, "limit": n}.
nlohmann::json PageMeta(const app::PageRequest& request, const std::optional<domain::Uuid>& next);

/// The most a page of a list weighs (1 MiB): a page past it ends early.
inline constexpr std::size_t kMaxPageBytes = std::size_t{1024} * 1024;

/// A list's answer, {"data": items, "meta": PageMeta}. The page ends early, before the item that
/// takes it past kMaxPageBytes (it holds one item at least), its cursor then pointing after the
/// last item sent: a count alone lets 200 items of 64 KiB documents weigh 13 MB. `key_of(item)`
/// is the key the store pages by (its keyset cursor).
template <typename Item, typename ToJson, typename KeyOf>
http::Response ListReply(const app::Page<Item>& result, const app::PageRequest& page,
                         ToJson to_json, KeyOf key_of) {
  nlohmann::json items = nlohmann::json::array();
  std::optional<domain::Uuid> next = result.next_after;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < result.items.size(); ++i) {
    nlohmann::json item = to_json(result.items[i]);
    bytes += item.dump().size();
    if (i > 0 && bytes > kMaxPageBytes) {
      next = key_of(result.items[i - 1]);
      break;
    }
    items.push_back(std::move(item));
  }
  return Envelope(200, std::move(items), PageMeta(page, next));
}

/// A path parameter that must be a UUID; a malformed one is answered 404 like an unknown id.
domain::Uuid PathId(const http::Request& request, std::string_view name, std::string_view what);
/// An optional query parameter that must be a UUID (kInvalidInput pointing at it otherwise).
std::optional<domain::Uuid> QueryId(const http::Request& request, std::string_view name);

}  // namespace nedlia::api
