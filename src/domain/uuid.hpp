#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nedlia::domain {

/// A 128-bit identifier (RFC 9562), held as its 16 bytes.
class Uuid {
 public:
  constexpr Uuid() = default;
  explicit constexpr Uuid(const std::array<std::uint8_t, 16>& bytes) : bytes_(bytes) {}

  /// Parses the canonical 36-character form (either case); nullopt for anything else.
  static std::optional<Uuid> Parse(std::string_view text);
  /// A version 7 UUID: time-ordered, so new rows land at the right edge of a B-tree index.
  static Uuid NewV7();

  /// The canonical lowercase 36-character form.
  std::string ToString() const;
  const std::array<std::uint8_t, 16>& Bytes() const { return bytes_; }
  bool IsNil() const { return bytes_ == std::array<std::uint8_t, 16>{}; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace nedlia::domain
