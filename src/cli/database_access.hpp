#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cli/settings.hpp"
#include "pg/managed_cluster.hpp"
#include "pg/replica_cluster.hpp"

namespace nedlia::cli {

/// The managed cluster the settings describe (NEDLIA_PG_DIR, NEDLIA_PG_PORT; the binaries
/// from NEDLIA_PG_BIN or the newest installed).
pg::ClusterOptions ManagedClusterOptions(const Settings& settings);

/// The managed replica `name` of the managed cluster: in `dir` when given, else beside the
/// primary's home (NEDLIA_PG_DIR var/pg: var/pg-NAME); on `port` when given, else the one it
/// was created with. Throws UserError when an external database is configured (a managed
/// replica follows the managed cluster only).
pg::ReplicaCluster ManagedReplica(const Settings& settings, const std::string& name,
                                  const std::string& dir = "", std::optional<int> port = {});

/// The database every command uses: NEDLIA_DATABASE_URL when set, else the managed cluster's
/// URL, starting (and on first use creating) the cluster when it is not running.
/// Throws pg::ClusterError when the managed cluster cannot be started.
std::string ResolveDatabaseUrl(const Settings& settings);

/// `url` with its password replaced by "***", for logs and error messages. Understands both
/// libpq forms: URIs (postgresql://user:secret@host/db, ?password=secret) and key=value
/// strings (password=secret, password='a secret'). Everything else is left as it was.
std::string RedactUrl(std::string_view url);

}  // namespace nedlia::cli
