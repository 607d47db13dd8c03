#pragma once

#include <functional>

#include "app/ports/database.hpp"
#include "cli/settings.hpp"

namespace nedlia::cli {

/// Runs `work` in one transaction against the configured database, as the command line (no API
/// key: a nil principal) would. An application error becomes one line (UserError) naming the
/// fields at fault.
void WithDatabase(const Settings& settings, const std::function<void(app::Transaction&)>& work);

}  // namespace nedlia::cli
