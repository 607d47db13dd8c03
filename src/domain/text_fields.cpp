#include "domain/text_fields.hpp"

#include <string>

namespace nedlia::domain {
namespace {

/// Counts code points; nullopt-like -1 for malformed UTF-8 or control characters.
long CountCharacters(std::string_view text) {
  long count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80           ? 1
                         : (lead >> 5) == 0x6  ? 2
                         : (lead >> 4) == 0xE  ? 3
                         : (lead >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size())
      return -1;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
        return -1;
    }
    if (length == 1 && (lead < 0x20 || lead == 0x7F) && lead != '\n' && lead != '\t')
      return -1;
    i += length;
    ++count;
  }
  return count;
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\n") == std::string_view::npos;
}

bool HasSpaceOrControl(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F)
      return true;
  }
  return false;
}

}  // namespace

FieldErrors ValidateFreeText(std::string_view text, std::size_t max_length,
                             std::string_view pointer) {
  const long count = CountCharacters(text);
  if (count < 0)
    return {{std::string(pointer), "must be valid UTF-8 without control characters"}};
  if (static_cast<std::size_t>(count) > max_length) {
    return {
        {std::string(pointer), "must be at most " + std::to_string(max_length) + " characters"}};
  }
  return {};
}

FieldErrors ValidateText(std::string_view text, std::size_t max_length, std::string_view pointer) {
  if (IsBlank(text))
    return {{std::string(pointer), "must not be empty"}};
  return ValidateFreeText(text, max_length, pointer);
}

FieldErrors ValidateEmail(std::string_view email, std::string_view pointer) {
  const std::string where(pointer);
  if (email.size() > 255)
    return {{where, "must be at most 255 characters"}};
  const auto at = email.find('@');
  const bool shaped =
      at != std::string_view::npos && at > 0 && email.rfind('@') == at && !HasSpaceOrControl(email);
  const std::string_view domain = shaped ? email.substr(at + 1) : std::string_view();
  const auto dot = domain.rfind('.');
  if (!shaped || dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size() ||
      domain.front() == '.' || domain.find("..") != std::string_view::npos) {
    return {{where, "must be an e-mail address such as ads@example.com"}};
  }
  return {};
}

FieldErrors ValidateUrl(std::string_view url, std::string_view pointer) {
  const std::string where(pointer);
  if (url.size() > 2048)
    return {{where, "must be at most 2048 characters"}};
  const auto scheme_end = url.find("://");
  const std::string_view scheme =
      scheme_end == std::string_view::npos ? std::string_view() : url.substr(0, scheme_end);
  const bool known_scheme = scheme == "https" || scheme == "http" || scheme == "s3";
  const std::string_view rest = known_scheme ? url.substr(scheme_end + 3) : std::string_view();
  const std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
  if (!known_scheme || host.empty() || host.front() == ':' || host.front() == '@' ||
      HasSpaceOrControl(url)) {
    return {{where, "must be an absolute http, https or s3 URL"}};
  }
  return {};
}

}  // namespace nedlia::domain
