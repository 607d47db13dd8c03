#pragma once

#include <optional>
#include <vector>

#include "domain/uuid.hpp"

namespace nedlia::app {

/// Keyset pagination: rows in id order (UUIDv7, so creation order) after `after`. Stable while
/// rows are inserted: a page boundary is a key, not an offset.
struct PageRequest {
  int limit = 50;
  std::optional<domain::Uuid> after;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<domain::Uuid> next_after;  ///< set when more rows follow
};

}  // namespace nedlia::app
