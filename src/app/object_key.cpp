#include <algorithm>

#include "app/ports/object_store.hpp"

namespace nedlia::app {
namespace {

bool IsKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

// A narrow alphabet keeps keys identical as file names, in URLs and in SigV4 canonical
// requests (nothing to escape), and rules out path traversal in the filesystem store.
void CheckObjectKey(const std::string& key) {
  if (key.empty() || key.size() > 1024)
    throw ObjectStoreError("object key must be 1..1024 characters");
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t end = std::min(key.find('/', start), key.size());
    const std::string segment = key.substr(start, end - start);
    // No segment starts with '.': that rules out "." and "..", and leaves names such as
    // ".tmp-..." to the filesystem store's half-written files, which no key can name.
    if (segment.empty() || segment.front() == '.') {
      throw ObjectStoreError("object key '" + key +
                             "' has an empty segment or one starting with '.'");
    }
    for (char c : segment) {
      if (!IsKeyCharacter(c))
        throw ObjectStoreError("object key '" + key + "' has a character outside [A-Za-z0-9._-/]");
    }
    start = end + 1;
  }
}

void CheckObjectPrefix(const std::string& prefix) {
  for (char c : prefix) {
    if (!IsKeyCharacter(c) && c != '/') {
      throw ObjectStoreError("object prefix '" + prefix +
                             "' has a character outside [A-Za-z0-9._-/]");
    }
  }
}

}  // namespace nedlia::app
