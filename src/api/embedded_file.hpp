#pragma once

#include <string_view>
#include <vector>

namespace nedlia::api {

/// A file compiled into the binary (see cmake/embed_files.cmake).
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

/// src/api/openapi/*.json: _base.json and one fragment per resource.
const std::vector<EmbeddedFile>& OpenApiFragments();

}  // namespace nedlia::api
