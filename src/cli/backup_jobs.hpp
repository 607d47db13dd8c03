#pragma once

#include <memory>
#include <optional>

#include "app/ports/object_store.hpp"
#include "backup/backup_manifest.hpp"
#include "backup/backup_schedule.hpp"
#include "backup/recovery.hpp"
#include "cli/settings.hpp"
#include "pg/cluster_layout.hpp"
#include "process/subprocess.hpp"

namespace nedlia::cli {

/// A base backup of the managed cluster (started if needed). Refuses an external database:
/// WAL archiving and base backups there are the provider's (Aurora: automated backups, PITR).
backup::BackupManifest CreateBaseBackupOf(const Settings& settings, app::ObjectStore& store);

/// A pg_dump of the configured database (NEDLIA_DATABASE_URL, or the managed cluster's).
backup::BackupManifest CreateLogicalBackupOf(const Settings& settings, app::ObjectStore& store);

/// pg_dump, pg_restore and the server programs of the installed PostgreSQL.
pg::PostgresBinaries ClientBinaries();

/// The OS user a restored cluster runs as (as root: postgres; else ourselves).
std::optional<process::UserIdentity> ServerUserFor(const Settings& settings);

/// How a restore reaches the WAL archive: restore_command runs `nedlia backup wal-fetch` with
/// this process's object store settings, written into the recovery's private directory.
backup::RecoverySetup RecoverySetupFor(const Settings& settings,
                                       const std::optional<process::UserIdentity>& server_user);

/// True when the managed cluster's backups and archived WAL go to a filesystem object store
/// on the same device as the cluster's data: one disk failure then takes the database and
/// every copy of it. `serve` warns at start.
bool BackupsShareTheDatabaseDisk(const Settings& settings);

/// The daily schedule for `nedlia serve` on the managed cluster: every 10 minutes it checks
/// whether a base backup is due (backup::ScheduledBackupDue: NEDLIA_BACKUP_SCHEDULE_HOURS,
/// inside NEDLIA_BACKUP_WINDOW), takes one if so, then prunes past
/// NEDLIA_BACKUP_RETENTION_DAYS. Null (no schedule) for an external database, with WAL
/// archiving off, or NEDLIA_BACKUP_SCHEDULE_HOURS=0.
std::unique_ptr<backup::BackupSchedule> StartDailyBackups(const Settings& settings);

}  // namespace nedlia::cli
