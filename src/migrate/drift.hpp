#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "migrate/schema_diff.hpp"
#include "migrate/script_directory.hpp"

namespace nedlia::migrate {

/// What differs from the schema the migrations build at their head(s) to the schema declared
/// under `schema_dir`: each is built in a scratch database on the server of `server_url`,
/// read back and compared (so two texts that PostgreSQL stores alike compare equal).
std::vector<SchemaChange> DiffDeclaredSchema(const std::string& server_url,
                                             const ScriptDirectory& scripts,
                                             const std::filesystem::path& schema_dir);

}  // namespace nedlia::migrate
