#include "cli/database_connect.hpp"

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "pg/errors.hpp"

namespace nedlia::cli {

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
