#pragma once

#include <cstddef>
#include <string_view>

#include "domain/field_error.hpp"

namespace nedlia::domain {

/// A text column's limit: at least one visible character, at most `max_length` characters
/// (Unicode code points, as VARCHAR(n) counts them), valid UTF-8, no control characters.
FieldErrors ValidateText(std::string_view text, std::size_t max_length, std::string_view pointer);

/// The same limits for optional free text that may be empty (descriptions).
FieldErrors ValidateFreeText(std::string_view text, std::size_t max_length,
                             std::string_view pointer);

/// An e-mail address as people type it: local@domain.tld, no spaces, at most 255 characters.
/// Deliberately not the full RFC 5322 grammar, which accepts addresses no mailer delivers to.
FieldErrors ValidateEmail(std::string_view email, std::string_view pointer);

/// An absolute http(s) or s3 URL with a host, no spaces or control characters.
FieldErrors ValidateUrl(std::string_view url, std::string_view pointer);

}  // namespace nedlia::domain
