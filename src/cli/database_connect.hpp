#pragma once

#include <optional>
#include <string>

#include "cli/settings.hpp"
#include "pg/connection.hpp"
#include "pg/pool.hpp"

namespace nedlia::cli {

/// Opens a connection; when the server cannot be reached, throws UserError with one line that
/// names the URL (password hidden) and libpq's reason.
pg::Connection ConnectOrExplain(const std::string& url);

/// Refuses, in one line, a database whose schema this release may not run on: behind its
/// migrations' head, or past a migration that breaks earlier releases. A schema ahead of the
/// head by migrations that do not (a rolling deploy's expand step, or a rollback) is logged
/// and accepted.
void CheckSchemaFitsRelease(const Settings& settings, pg::Connection& connection);

/// libpq's message on one line (it spans lines and indents with tabs).
std::string OneLine(const std::string& text);

/// Readiness (GET /readyz of serve and of a worker): nullopt when a pooled connection answers a
/// query now, else why not. Catches a database gone since start-up and an exhausted pool.
std::optional<std::string> ProbeDatabase(pg::Pool& pool);

}  // namespace nedlia::cli
