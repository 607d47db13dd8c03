#pragma once

#include <string>

#include "pg/connection.hpp"

namespace nedlia::cli {

/// Opens a connection; when the server cannot be reached, throws UserError with one line that
/// names the URL (password hidden) and libpq's reason.
pg::Connection ConnectOrExplain(const std::string& url);

}  // namespace nedlia::cli
