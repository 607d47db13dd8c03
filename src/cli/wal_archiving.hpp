#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "cli/settings.hpp"
#include "pg/managed_cluster.hpp"
#include "process/subprocess.hpp"

namespace nedlia::cli {

/// Starts the managed cluster with continuous WAL archiving into the object store (unless
/// NEDLIA_BACKUP_ARCHIVE_WAL=off). PostgreSQL runs archive_command as the server user with the
/// server's environment, not ours: the store's settings go into a file in the cluster's home
/// (mode 0600, the server user's) that `nedlia backup wal-push --env-file` reads. Returns
/// what ManagedCluster::Start returns.
bool StartManagedCluster(const Settings& settings, pg::ManagedCluster& cluster);

/// Writes the object store's settings (absolute paths) to `file` for a nedlia run by
/// PostgreSQL, readable by `owner` only.
void WriteStoreEnvironment(const Settings& settings, const std::filesystem::path& file,
                           const std::optional<process::UserIdentity>& owner);

/// `settings` with the object store settings of an environment file written by
/// WriteStoreEnvironment; throws UserError when it cannot be read.
Settings WithStoreEnvironment(Settings settings, const std::filesystem::path& file);

/// `nedlia backup SUBCOMMAND ... --env-file FILE`, quoted for the shell PostgreSQL runs it with,
/// calling this very executable.
std::string NedliaCommand(const std::string& arguments, const std::filesystem::path& env_file);

}  // namespace nedlia::cli
