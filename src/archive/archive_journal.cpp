#include "archive/archive_journal.hpp"

#include "archive/archive_manifest.hpp"

namespace nedlia::archive {
namespace {

constexpr const char* kColumns =
    "id::text, table_name, coalesce(partition_name, ''), key_prefix, status, "
    "coalesce(row_count, 0), coalesce(to_char(first_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), coalesce(to_char(last_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ''), to_char(created_at AT TIME ZONE 'UTC', "
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), coalesce(schema_revision, '') FROM archives ";

JournalEntry EntryOf(const pg::Row& row) {
  JournalEntry entry;
  entry.id = row[0].As<std::string>();
  entry.table = row[1].As<std::string>();
  entry.partition = row[2].As<std::string>();
  entry.key_prefix = row[3].As<std::string>();
  entry.status = row[4].As<std::string>();
  entry.rows = row[5].As<std::int64_t>();
  entry.first_at = row[6].As<std::string>();
  entry.last_at = row[7].As<std::string>();
  entry.created_at = row[8].As<std::string>();
  entry.schema_revision = row[9].As<std::string>();
  return entry;
}

}  // namespace

JournalEntry ArchiveJournal::Open(const std::string& table, const std::string& partition) {
  const pg::Row fresh = connection_
                            .Execute(
                                "SELECT gen_random_uuid()::text, to_char(now() AT TIME ZONE "
                                "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
                            .Single();
  JournalEntry entry;
  entry.id = fresh[0].As<std::string>();
  entry.created_at = fresh[1].As<std::string>();
  entry.table = table;
  entry.partition = partition;
  entry.status = "pending";
  entry.key_prefix = ArchivePrefix(table, entry.created_at, entry.id);
  connection_.Execute(
      "INSERT INTO archives (id, table_name, partition_name, key_prefix, created_at) "
      "VALUES ($1::uuid, $2, nullif($3, ''), $4, $5::timestamptz)",
      pg::Params(entry.id, entry.table, entry.partition, entry.key_prefix, entry.created_at));
  return entry;
}

void ArchiveJournal::Complete(const std::string& id, const ArchiveManifest& manifest) {
  connection_.Execute(
      "UPDATE archives SET status = 'complete', row_count = $2, first_at = nullif($3, "
      "'')::timestamptz, last_at = nullif($4, '')::timestamptz, schema_revision = $5, "
      "completed_at = now() WHERE id = $1::uuid",
      pg::Params(id, manifest.rows, manifest.first_at, manifest.last_at, manifest.schema_revision));
}

void ArchiveJournal::MarkRestored(const std::string& id) {
  connection_.Execute(
      "UPDATE archives SET status = 'restored', restored_at = now() WHERE id = $1::uuid",
      pg::Params(id));
}

void ArchiveJournal::Forget(const std::string& id) {
  connection_.Execute("DELETE FROM archives WHERE id = $1::uuid AND status = 'pending'",
                      pg::Params(id));
}

std::vector<JournalEntry> ArchiveJournal::WithStatus(const std::string& status) {
  std::vector<JournalEntry> entries;
  for (const pg::Row& row : connection_.Execute(
           std::string("SELECT ") + kColumns + "WHERE status = $1 ORDER BY created_at, id",
           pg::Params(status)))
    entries.push_back(EntryOf(row));
  return entries;
}

std::optional<JournalEntry> ArchiveJournal::Find(const std::string& id) {
  const pg::Result result = connection_.Execute(
      std::string("SELECT ") + kColumns + "WHERE id::text = $1", pg::Params(id));
  if (result.Empty())
    return std::nullopt;
  return EntryOf(result[0]);
}

std::optional<JournalEntry> ArchiveJournal::FindByPrefix(const std::string& key_prefix) {
  const pg::Result result = connection_.Execute(
      std::string("SELECT ") + kColumns + "WHERE key_prefix = $1", pg::Params(key_prefix));
  if (result.Empty())
    return std::nullopt;
  return EntryOf(result[0]);
}

}  // namespace nedlia::archive
