#pragma once

#include "domain/entities.hpp"
#include "domain/field_error.hpp"

namespace nedlia::domain {

/// The longest product description accepted (the column is TEXT; this bounds a request).
inline constexpr std::size_t kMaxProductDescription = 10'000;

/// A product's own fields: a name (VARCHAR(255), not blank), an optional description and an
/// optional category (VARCHAR(100), not blank when given). Errors point at /name,
/// /description and /category.
FieldErrors ValidateProduct(const Product& product);

}  // namespace nedlia::domain
