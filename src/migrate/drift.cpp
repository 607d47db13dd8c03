#include "migrate/drift.hpp"

#include "migrate/migrator.hpp"
#include "migrate/scratch_database.hpp"

namespace nedlia::migrate {

std::vector<SchemaChange> DiffDeclaredSchema(const std::string& server_url,
                                             const ScriptDirectory& scripts,
                                             const std::filesystem::path& schema_dir) {
  // The declared schema first: an error in it is the likelier one, and it stops everything.
  const ScratchDatabase declared(server_url);
  SchemaModel wanted;
  {
    pg::Connection connection = declared.Connect();
    BuildDeclaredSchema(connection, schema_dir);
    wanted = ReadSchema(connection);
  }
  const ScratchDatabase migrated(server_url);
  SchemaModel current;
  {
    pg::Connection connection = migrated.Connect();
    Migrator(connection, scripts).Upgrade("heads");
    current = ReadSchema(connection);
  }
  return DiffSchemas(current, wanted);
}

}  // namespace nedlia::migrate
