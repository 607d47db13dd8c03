#pragma once

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

/// A path parameter that must be a UUID; a malformed one is answered 404 like an unknown id.
domain::Uuid PathId(const http::Request& request, std::string_view name, std::string_view what);
/// An optional query parameter that must be a UUID (kInvalidInput pointing at it otherwise).
std::optional<domain::Uuid> QueryId(const http::Request& request, std::string_view name);

}  // namespace nedlia::api
