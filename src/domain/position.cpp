#include "domain/position.hpp"

#include <cmath>
#include <string>

namespace nedlia::domain {
namespace {

void CheckFraction(double value, std::string_view pointer, std::string_view name,
                   FieldErrors& errors) {
  if (!std::isfinite(value) || value < 0 || value > 1) {
    errors.push_back({std::string(pointer) + "/" + std::string(name),
                      "must be a fraction of the frame between 0 and 1"});
  }
}

}  // namespace

FieldErrors Validate(const Position& position, std::string_view pointer) {
  FieldErrors errors;
  CheckFraction(position.x, pointer, "x", errors);
  CheckFraction(position.y, pointer, "y", errors);
  CheckFraction(position.width, pointer, "width", errors);
  CheckFraction(position.height, pointer, "height", errors);
  if (!errors.empty())
    return errors;
  const std::string base(pointer);
  if (position.width == 0)
    errors.push_back({base + "/width", "must be more than 0"});
  if (position.height == 0)
    errors.push_back({base + "/height", "must be more than 0"});
  // A little slack, so that 0.7 + 0.3 (0.9999999999999999 or 1.0000000000000002) fits.
  constexpr double kSlack = 1e-9;
  if (position.x + position.width > 1 + kSlack) {
    errors.push_back({base + "/width", "x + width must not exceed 1 (the frame's right edge)"});
  }
  if (position.y + position.height > 1 + kSlack) {
    errors.push_back({base + "/height", "y + height must not exceed 1 (the frame's bottom edge)"});
  }
  return errors;
}

}  // namespace nedlia::domain
