#pragma once

#include <string>
#include <vector>

#include "migrate/migrator.hpp"

namespace nedlia::migrate {

/// The SQL that `upgrade --sql` and `downgrade --sql` print for a DBA instead of running it:
/// the version table's creation, then each step as Migrator runs it, in a transaction of its
/// own with the version table's update. `from` is where the database is assumed to be.
std::string RenderOfflineMigration(const ScriptDirectory& scripts, const RevisionSet& from,
                                   const std::vector<MigrationStep>& steps);

/// The SQL of `stamp --sql`: the version table set to `heads`.
std::string RenderOfflineStamp(const ScriptDirectory& scripts, const RevisionSet& heads);

}  // namespace nedlia::migrate
