#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace nedlia::domain {

/// The offset of the first byte of `text` that does not begin a well-formed UTF-8 sequence
/// (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF), or nullopt when all
/// of it is UTF-8.
std::optional<std::size_t> InvalidUtf8At(std::string_view text);

/// The line (from 1) that holds byte `offset` of `text`.
int LineAt(std::string_view text, std::size_t offset);

}  // namespace nedlia::domain
