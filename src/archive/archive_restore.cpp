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
      kArchivedTables.end()) {
    throw ArchiveError("archive " + manifest.id + " holds rows of an unknown table \"" +
                       manifest.table + "\"");
  }
}

// Text read from the object store, fit for a one-line message: control characters (a line
// break would forge a second line of output) become '?', and it is cut short.
std::string Quoted(std::string_view text) {
  constexpr std::size_t kShown = 100;
  std::string quoted = "\"";
  for (const char c : text.substr(0, kShown))
    quoted += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
  return quoted + (text.size() > kShown ? "...\"" : "\"");
}

void Agree(const std::string& prefix, std::string_view what, std::string_view in_manifest,
           std::string_view in_journal) {
  if (in_manifest != in_journal) {
    throw ArchiveError(fmt::format(
        "{}: the manifest's {} {} is not the archive journal's {}; an archive that disagrees "
        "with the journal is not used",
        prefix, what, Quoted(in_manifest), Quoted(in_journal)));
  }
}

void CheckComplete(const JournalEntry& entry) {
  if (entry.status == "restored") {
    throw ArchiveError("archive " + entry.id +
                       " was restored already; the next `nedlia archive run` removes what is "
                       "left of it in the object store");
  }
  if (entry.status != "complete") {
    throw ArchiveError("archive " + entry.id + " is " + entry.status +
                       ": its run never finished, its rows are still in the database, and the "
                       "next `nedlia archive run` removes it");
  }
}

// Parts are the archive's own keys, part-00001... in order: a part anywhere else would pass
// every check of its bytes, since the manifest that names it also carries its checksum.
void CheckPartKeys(const ArchiveManifest& manifest, const std::string& prefix) {
  for (std::size_t i = 0; i < manifest.parts.size(); ++i) {
    const std::string& key = manifest.parts[i].key;
    const std::string expected = PartKey(prefix, static_cast<int>(i) + 1);
    if (key == expected)
      continue;
    const bool inside =
        key.starts_with(prefix) && key.find('/', prefix.size()) == std::string::npos;
    throw ArchiveError(fmt::format(
        "{}: the manifest's part {} is {}{} (it must be {}); an "
        "archive that disagrees with the journal is not used",
        prefix, i + 1, Quoted(key), inside ? "" : ", outside the archive's prefix", expected));
  }
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

// An archive whose schema revision the journal did not record yet (made before it did) is
// checked on the rest.
void CheckAgainstJournal(const ArchiveManifest& manifest, const JournalEntry& entry) {
  const std::string& prefix = entry.key_prefix;
  CheckComplete(entry);
  Agree(prefix, "id", manifest.id, entry.id);
  Agree(prefix, "table", manifest.table, entry.table);
  Agree(prefix, "partition", manifest.partition, entry.partition);
  if (!entry.schema_revision.empty())
    Agree(prefix, "schema revision", manifest.schema_revision, entry.schema_revision);
  Agree(prefix, "row count", std::to_string(manifest.rows), std::to_string(entry.rows));
  CheckPartKeys(manifest, prefix);
}

std::string LocateArchive(pg::Connection& connection, app::ObjectStore& store,
                          const std::string& reference) {
  if (reference.starts_with("archive/"))
    return reference.ends_with('/') ? reference : reference + "/";
  if (reference.empty() || reference.find_first_not_of("0123456789abcdef-") != std::string::npos) {
    throw ArchiveError("\"" + reference +
                       "\" is neither an archive id nor a key prefix archive/...");
  }
  if (const auto entry = ArchiveJournal(connection).Find(reference))
    return entry->key_prefix;
  return FindInStore(store, reference);
}

ArchiveManifest FetchJournalledManifest(pg::Connection& connection, app::ObjectStore& store,
                                        const std::string& prefix) {
  const std::optional<JournalEntry> entry = ArchiveJournal(connection).FindByPrefix(prefix);
  if (!entry) {
    throw ArchiveError(prefix +
                       " is not in the archive journal: nothing vouches for what the object "
                       "store holds there, so it is not used");
  }
  ArchiveManifest manifest = FetchManifest(store, prefix);
  CheckAgainstJournal(manifest, *entry);
  return manifest;
}

RestoreReport RestoreArchive(pg::Connection& connection, app::ObjectStore& store,
                             const std::string& prefix) {
  ArchiveRunLock lock(connection);  // not while a run might archive the rows again
  RestoreReport report;
  report.manifest = FetchJournalledManifest(connection, store, prefix);
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
