#include "cli/database_connect.hpp"

#include "cli/command.hpp"
#include "cli/database_access.hpp"
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
