#pragma once

#include <string_view>

#include "domain/field_error.hpp"

namespace nedlia::domain {

/// Where a product appears in the frame, as fractions of the frame's width and height, so it
/// holds at any resolution: (0, 0) is the top-left corner, width 1 spans the whole frame.
struct Position {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;

  friend bool operator==(const Position&, const Position&) = default;
};

/// Every member finite and within 0..1, a non-empty box that stays inside the frame.
FieldErrors Validate(const Position& position, std::string_view pointer);

}  // namespace nedlia::domain
