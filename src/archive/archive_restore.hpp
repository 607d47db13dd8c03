#pragma once

#include <cstdint>
#include <string>

#include "app/ports/object_store.hpp"
#include "archive/archive_journal.hpp"
#include "archive/archive_manifest.hpp"
#include "pg/connection.hpp"

namespace nedlia::archive {

struct RestoreReport {
  ArchiveManifest manifest;
  std::int64_t inserted = 0;         ///< rows put back
  std::int64_t already_present = 0;  ///< rows the database holds already (left as they are)
};

/// Where archive `reference` lives: its id (looked up in the journal, else in the store) or
/// its key prefix (archive/.../ID/). Throws ArchiveError when there is no such archive.
std::string LocateArchive(pg::Connection& connection, app::ObjectStore& store,
                          const std::string& reference);

/// Throws ArchiveError (one line) unless a manifest read from the object store, which is not
/// trusted, agrees with the archive journal's `entry`: the archive is complete, the manifest
/// has its id, table, partition, schema revision and row count, and names as parts only the
/// archive's own keys (PartKey of its prefix, in order).
void CheckAgainstJournal(const ArchiveManifest& manifest, const JournalEntry& entry);

/// The manifest stored at `prefix`, checked against the archive journal, since the object
/// store is not trusted: the journal must hold the archive as complete, and the manifest must
/// agree with it (id, table, partition, schema revision, row count) and name as parts only
/// the archive's own keys. Throws ArchiveError (one line) at the first disagreement.
ArchiveManifest FetchJournalledManifest(pg::Connection& connection, app::ObjectStore& store,
                                        const std::string& prefix);

/// Brings an archive's rows back into their table (recreating an event_log partition that was
/// dropped), then removes the archive, so that every row lives in one place: the database or
/// an archive. The manifest is checked against the journal (FetchJournalledManifest) and every
/// part is read and checked before anything is written, and the rows go back in one
/// transaction: an archive that disagrees with the journal, or is corrupt or truncated, is
/// refused whole (ArchiveError) and nothing is half-restored. Rows still past retention are
/// archived again by the next run.
RestoreReport RestoreArchive(pg::Connection& connection, app::ObjectStore& store,
                             const std::string& prefix);

}  // namespace nedlia::archive
