#pragma once

#include <string>
#include <string_view>

namespace nedlia::encoding {

/// A member name as one reference token of a JSON pointer (RFC 6901): '~' becomes "~0" and
/// '/' becomes "~1".
std::string JsonPointerToken(std::string_view name);

}  // namespace nedlia::encoding
