#include "cli/database_connect.hpp"

#include <spdlog/spdlog.h>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "migrate/migrator.hpp"
#include "migrate/release_fit.hpp"
#include "pg/errors.hpp"

namespace nedlia::cli {

std::string OneLine(const std::string& text) {
  std::string line;
  for (const char c : text) {
    const bool space = c == '\n' || c == '\t' || c == '\r' || c == ' ';
    if (!space || (!line.empty() && line.back() != ' ')) {
      line.push_back(space ? ' ' : c);
    }
  }
  while (!line.empty() && line.back() == ' ') {
    line.pop_back();
  }
  return line;
}

std::optional<std::string> ProbeDatabase(pg::Pool& pool) {
  try {
    pg::PooledConnection connection = pool.Acquire();
    connection->Execute("SELECT 1");
    return std::nullopt;
  } catch (const std::exception& error) {
    return "database unavailable: " + OneLine(error.what());
  }
}

void CheckSchemaFitsRelease(const Settings& settings, pg::Connection& connection) {
  const auto scripts = migrate::ScriptDirectory::Load(settings.migrations_dir);
  const migrate::ReleaseFit fit = migrate::CheckReleaseFits(connection, scripts);
  if (!fit.newer.empty()) {
    spdlog::info(
        "the database schema is {} migration(s) ahead of this release ({}), none of which "
        "breaks it: running on it",
        fit.newer.size(), migrate::JoinRevisions(fit.newer));
  }
}

pg::Connection ConnectOrExplain(const std::string& url) {
  try {
    return pg::Connection::Open(url, std::chrono::seconds(5), pg::TargetSession::kReadWrite);
  } catch (const pg::ConnectionLost& error) {
    std::string reason = error.what();
    for (char& c : reason) {
      if (c == '\n')
        c = ' ';
    }
    throw UserError("cannot connect to the database at " + RedactUrl(url) + ": " + reason);
  }
}

}  // namespace nedlia::cli
