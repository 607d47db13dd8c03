#include "cli/command_transaction.hpp"

#include "app/errors.hpp"
#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "pg/pool.hpp"
#include "repositories/pg_database.hpp"

namespace nedlia::cli {

void WithDatabase(const Settings& settings, const std::function<void(app::Transaction&)>& work) {
  const std::string url = ResolveDatabaseUrl(settings);
  ConnectOrExplain(url);
  pg::Pool pool({.url = url, .max_size = 1});
  repositories::PgDatabase database(pool, {});
  try {
    database.Write(app::CallContext{}, work);
  } catch (const app::Error& error) {
    std::string message = error.what();
    for (const auto& field : error.Fields())
      message += "; " + field.pointer + " " + field.message;
    throw UserError(message);
  }
}

}  // namespace nedlia::cli
