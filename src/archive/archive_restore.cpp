#include "archive/archive_restore.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "archive/archive_codec.hpp"
#include "archive/archive_journal.hpp"
#include "archive/archive_reader.hpp"
#include "archive/archive_sources.hpp"
#include "archive/archiver.hpp"
#include "pg/transaction.hpp"

namespace nedlia::archive {
namespace {

// The tables archives are made of; a manifest naming another is refused (its name goes into SQL).
constexpr std::array<std::string_view, 3> kArchivedTables = {"placements", "validation_runs",
                                                             "event_log"};

std::string JsonArray(const std::vector<std::string>& rows) {
  std::size_t size = 2;
  for (const std::string& row : rows)
    size += row.size() + 1;
  std::string array;
  array.reserve(size);
  array += '[';
  for (const std::string& row : rows) {
    if (array.size() > 1)
      array += ',';
    array += row;
  }
  array += ']';
  return array;
}

void CheckRestorable(const ArchiveManifest& manifest) {
  if (std::find(kArchivedTables.begin(), kArchivedTables.end(), manifest.table) ==
      kArchivedTables.end())
    throw ArchiveError("archive " + manifest.id + " holds rows of an unknown table \"" +
                       manifest.table + "\"");
}

std::string FindInStore(app::ObjectStore& store, const std::string& id) {
  const std::string suffix = "/" + id + "/manifest.json";
  for (const app::ObjectInfo& object : store.List("archive/")) {
    if (object.key.ends_with(suffix))
      return object.key.substr(0, object.key.size() - std::string("manifest.json").size());
  }
  throw ArchiveError("no archive " + id + " (not in the journal, nor in the object store)");
}

}  // namespace

std::string LocateArchive(pg::Connection& connection, app::ObjectStore& store,
                          const std::string& reference) {
  if (reference.starts_with("archive/"))
    return reference.ends_with('/') ? reference : reference + "/";
  if (reference.empty() || reference.find_first_not_of("0123456789abcdef-") != std::string::npos)
    throw ArchiveError("\"" + reference +
                       "\" is neither an archive id nor a key prefix archive/...");
  if (const auto entry = ArchiveJournal(connection).Find(reference))
    return entry->key_prefix;
  return FindInStore(store, reference);
}

RestoreReport RestoreArchive(pg::Connection& connection, app::ObjectStore& store,
                             const std::string& prefix) {
  ArchiveRunLock lock(connection);  // not while a run might archive the rows again
  RestoreReport report;
  report.manifest = FetchManifest(store, prefix);
  const ArchiveManifest& manifest = report.manifest;
  CheckRestorable(manifest);
  ReadParts(store, manifest);  // all of it checked before a row is written

  pg::Transaction transaction(connection, {});
  UseArchiveTimeStyle(transaction.Conn());
  if (manifest.table == "event_log" && !manifest.first_at.empty()) {
    // Its month's partition was dropped when it was archived.
    EnsureEventLogPartition(transaction.Conn(), manifest.first_at.substr(0, 10));
  }
  ReadParts(store, manifest, [&](std::vector<std::string>&& rows) {
    report.inserted += InsertJsonRows(transaction.Conn(), manifest.table, JsonArray(rows));
  });
  report.already_present = manifest.rows - report.inserted;
  ArchiveJournal(transaction.Conn()).MarkRestored(manifest.id);
  transaction.Commit();
  DeleteRestoredArchive(store, prefix);
  return report;
}

}  // namespace nedlia::archive
