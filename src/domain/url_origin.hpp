#pragma once

#include <string>
#include <string_view>

namespace nedlia::domain {

/// The scheme and host of an absolute URL, lowercased ("https://hooks.example.com"): what may
/// be said of a webhook's URL in events and logs. Its user info, port, path, query and
/// fragment, any of which may hold a token, are left out. "" when `url` has no "scheme://host".
std::string UrlOrigin(std::string_view url);

}  // namespace nedlia::domain
