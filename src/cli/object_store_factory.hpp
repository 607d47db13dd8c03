#pragma once

#include <memory>

#include "app/ports/object_store.hpp"
#include "cli/settings.hpp"

namespace nedlia::cli {

/// The configured object store: S3 when NEDLIA_S3_ENDPOINT is set (then the bucket and both
/// keys must be too, else UserError), the directory NEDLIA_OBJECTS_DIR otherwise.
std::unique_ptr<app::ObjectStore> MakeObjectStore(const Settings& settings);

}  // namespace nedlia::cli
