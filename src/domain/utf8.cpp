#include "domain/utf8.hpp"

#include <algorithm>

namespace nedlia::domain {
namespace {

// The length of the UTF-8 sequence that `lead` starts, and the smallest and largest second
// byte it allows (RFC 3629, table 3-7 of the Unicode standard); 0 for an invalid lead.
struct Sequence {
  std::size_t length;
  unsigned char second_min;
  unsigned char second_max;
};

Sequence SequenceOf(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF)
    return {2, 0x80, 0xBF};
  if (lead == 0xE0)
    return {3, 0xA0, 0xBF};  // no overlong forms
  if (lead == 0xED)
    return {3, 0x80, 0x9F};  // no surrogates
  if (lead >= 0xE1 && lead <= 0xEF)
    return {3, 0x80, 0xBF};
  if (lead == 0xF0)
    return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3)
    return {4, 0x80, 0xBF};
  if (lead == 0xF4)
    return {4, 0x80, 0x8F};  // nothing past U+10FFFF
  return {0, 0, 0};
}

bool IsWellFormedAt(std::string_view text, std::size_t i, const Sequence& sequence) {
  if (sequence.length == 0 || i + sequence.length > text.size())
    return false;
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if (second < sequence.second_min || second > sequence.second_max)
    return false;
  for (std::size_t k = 2; k < sequence.length; ++k) {
    const auto next = static_cast<unsigned char>(text[i + k]);
    if (next < 0x80 || next > 0xBF)
      return false;
  }
  return true;
}

}  // namespace

std::optional<std::size_t> InvalidUtf8At(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    const Sequence sequence = SequenceOf(lead);
    if (!IsWellFormedAt(text, i, sequence))
      return i;
    i += sequence.length;
  }
  return std::nullopt;
}

int LineAt(std::string_view text, std::size_t offset) {
  const std::string_view before = text.substr(0, std::min(offset, text.size()));
  return static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
}

}  // namespace nedlia::domain
