#include "archive/archiver.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>

#include "archive/archive_codec.hpp"
#include "archive/archive_journal.hpp"
#include "archive/archive_reader.hpp"
#include "archive/row_json.hpp"
#include "crypto/digest.hpp"
#include "pg/transaction.hpp"

namespace nedlia::archive {
namespace {

/// Writes one archive's parts to the store as its rows come, then its manifest.
class ArchiveWriter {
 public:
  ArchiveWriter(app::ObjectStore& store, const JournalEntry& entry,
                const ArchiveRunOptions& options, ArchiveObserver& observer)
      : store_(store), entry_(entry), options_(options), observer_(observer) {}

  /// One row: its JSON, and its time as COPY wrote it (in UTC).
  void Add(std::string_view time, std::string_view json) {
    // Rows come in key order, not always in time order (an event backdated into its month).
    // COPY's timestamps in one zone order as text like the instants they name ("...:01+00"
    // before "...:01.5+00").
    if (!time.empty() && (manifest_.first_at.empty() || time < manifest_.first_at))
      manifest_.first_at = time;
    if (time > manifest_.last_at)
      manifest_.last_at = time;
    encoder_->AddLine(json);
    part_bytes_ += json.size() + 1;
    if (encoder_->Rows() >= options_.limits.rows_per_part ||
        part_bytes_ >= options_.limits.bytes_per_part)
      FlushPart();
  }

  std::int64_t Rows() const { return manifest_.rows + encoder_->Rows(); }

  /// Writes the last part and the manifest; returns the manifest.
  ArchiveManifest Finish(ArchiveManifest header) {
    if (encoder_->Rows() > 0)
      FlushPart();
    header.id = entry_.id;
    header.created_at = entry_.created_at;
    header.first_at = manifest_.first_at.empty() ? "" : JsonTimestampText(manifest_.first_at);
    header.last_at = manifest_.last_at.empty() ? "" : JsonTimestampText(manifest_.last_at);
    header.rows = manifest_.rows;
    header.parts = std::move(manifest_.parts);
    store_.Put(ManifestKey(entry_.key_prefix), ManifestToJson(header),
               {.content_type = "application/json", .storage_class = ""});
    observer_.StepDone("manifest-written");
    return header;
  }

 private:
  void FlushPart() {
    const std::int64_t rows = encoder_->Rows();
    std::string bytes = encoder_->Finish();
    ArchivePart part{PartKey(entry_.key_prefix, static_cast<int>(manifest_.parts.size()) + 1), rows,
                     static_cast<std::int64_t>(bytes.size()), crypto::Sha256Hex(bytes)};
    store_.Put(part.key, bytes,
               {.content_type = "application/zstd", .storage_class = options_.storage_class});
    manifest_.parts.push_back(std::move(part));
    manifest_.rows += rows;
    encoder_.emplace();
    part_bytes_ = 0;
    observer_.StepDone("part-written");
  }

  app::ObjectStore& store_;
  const JournalEntry& entry_;
  const ArchiveRunOptions& options_;
  ArchiveObserver& observer_;
  std::optional<ArchiveEncoder> encoder_{std::in_place};
  std::size_t part_bytes_ = 0;
  ArchiveManifest manifest_;  ///< what is written so far
};

/// Where one table's rows come from: a COPY of whole rows, converted to row_to_json's JSON.
struct RowStream {
  std::string copy_sql;
  std::vector<ColumnShape> columns;
  std::string time_column;
  bool collect_ids = false;
};

/// Feeds the rows of `stream` to `writer`; returns their ids when asked to collect them.
std::vector<std::string> ExportRows(pg::Transaction& transaction, const RowStream& stream,
                                    ArchiveWriter& writer, ArchiveObserver& observer,
                                    const std::string& what, long total) {
  constexpr long kProgressEvery = 10'000;
  RowJson converter(stream.columns);
  const std::size_t time_column = converter.ColumnIndex(stream.time_column);
  const std::size_t id_column = converter.ColumnIndex("id");
  if (time_column == std::string_view::npos ||
      (stream.collect_ids && id_column == std::string_view::npos))
    throw ArchiveError(what + " has no column " + stream.time_column + " or id");
  std::vector<std::string> ids;
  std::string json;
  long rows = 0;
  transaction.Conn().CopyOut(stream.copy_sql, [&](std::string_view line) {
    converter.Convert(line, json);
    if (stream.collect_ids)
      ids.emplace_back(converter.Field(id_column));
    writer.Add(converter.Field(time_column), json);
    if (++rows % kProgressEvery == 0)
      observer.Progress(what, rows, total);
  });
  observer.Progress(what, rows, total);
  return ids;
}

void CheckWithinRetention(const ArchiveManifest& manifest) {
  if (!manifest.last_at.empty() && manifest.last_at >= manifest.cutoff) {
    throw ArchiveError(fmt::format("refusing to delete {} rows up to {}: newer than the cutoff {}",
                                   manifest.table, manifest.last_at, manifest.cutoff));
  }
}

}  // namespace

ArchiveRunLock::ArchiveRunLock(pg::Connection& connection) : connection_(connection) {
  if (!TryLockArchiving(connection_))
    throw ArchiveError("another archival run or restore is in progress; try again when it ends");
}

ArchiveRunLock::~ArchiveRunLock() {
  try {
    UnlockArchiving(connection_);
  } catch (const std::exception& error) {
    spdlog::warn("archive: releasing the run lock: {}", error.what());
  }
}

Archiver::Archiver(pg::Connection& connection, app::ObjectStore& store, RetentionPolicy policy,
                   ArchiveRunOptions options, ArchiveObserver* observer)
    : connection_(connection),
      store_(store),
      policy_(policy),
      options_(std::move(options)),
      observer_(observer != nullptr ? *observer : default_observer_) {
  policy_.Check();
}

std::vector<PlannedArchive> Archiver::Plan() {
  std::vector<PlannedArchive> plan;
  for (const RowSource& source : RowSources(policy_)) {
    const std::string cutoff = CutoffFor(connection_, source.retention_days);
    const long rows = CountPastRetention(connection_, source, cutoff);
    if (rows == 0)
      continue;
    const TimeRange range = RangePastRetention(connection_, source, cutoff);
    plan.push_back({source.table, "", rows, range.first, range.last, cutoff});
  }
  for (const PartitionSource& source :
       PartitionsPastRetention(connection_, policy_.event_log_days)) {
    const PartitionContents contents = ContentsOf(connection_, source);
    plan.push_back({"event_log", source.name, contents.rows, contents.range.first,
                    contents.range.last, source.cutoff});
  }
  return plan;
}

ArchiveRunReport Archiver::Run() {
  ArchiveRunLock lock(connection_);
  ArchiveRunReport report;
  report.pending_cleaned = CleanUpPending();
  for (const RowSource& source : RowSources(policy_)) {
    while (ArchiveRows(source, report)) {
    }
  }
  for (const PartitionSource& source : PartitionsPastRetention(connection_, policy_.event_log_days))
    ArchivePartition(source, report);
  return report;
}

int Archiver::CleanUpPending() {
  ArchiveJournal journal(connection_);
  int cleaned = 0;
  for (const JournalEntry& entry : journal.WithStatus("pending")) {
    // Its transaction never committed: every row it holds is still in the database.
    DeleteArchiveObjects(store_, entry.key_prefix);
    observer_.StepDone("pending-objects-deleted");
    journal.Forget(entry.id);
    spdlog::info("archive: removed {}, left unfinished by an interrupted run", entry.key_prefix);
    ++cleaned;
    observer_.StepDone("pending-cleaned");
  }
  // A restore that committed but stopped before removing the archive's objects.
  for (const JournalEntry& entry : journal.WithStatus("restored")) {
    if (RemoveRestoredArchive(store_, entry.key_prefix)) {
      spdlog::info("archive: removed {}, restored by a restore that stopped early",
                   entry.key_prefix);
    }
  }
  return cleaned;
}

bool Archiver::ArchiveRows(const RowSource& source, ArchiveRunReport& report) {
  const std::string cutoff = CutoffFor(connection_, source.retention_days);
  const long total =
      std::min(CountPastRetention(connection_, source, cutoff), options_.limits.rows_per_archive);
  if (total == 0)
    return false;
  ArchiveJournal journal(connection_);
  const JournalEntry entry = journal.Open(source.table, "");
  observer_.StepDone("journal-opened");

  pg::Transaction transaction(connection_, {});
  UseArchiveTimeStyle(transaction.Conn());
  const RowStream stream{
      .copy_sql = CopyRowsPastRetention(source, cutoff, options_.limits.rows_per_archive),
      .columns = ColumnsOf(transaction.Conn(), source.table),
      .time_column = source.time_column,
      .collect_ids = true};
  ArchiveWriter writer(store_, entry, options_, observer_);
  const std::vector<std::string> ids =
      ExportRows(transaction, stream, writer, observer_, source.table, total);
  if (ids.empty()) {  // deleted meanwhile by someone else: nothing to archive after all
    transaction.Rollback();
    journal.Forget(entry.id);
    return false;
  }
  ArchiveManifest manifest = writer.Finish({.table = source.table,
                                            .schema_revision = SchemaRevision(connection_),
                                            .time_column = source.time_column,
                                            .cutoff = cutoff});
  VerifyStored(store_, entry.key_prefix, manifest);
  observer_.StepDone("verified");
  CheckWithinRetention(manifest);

  const std::int64_t deleted = DeleteRowsById(transaction.Conn(), source.table, ids);
  if (deleted != manifest.rows) {
    throw ArchiveError(fmt::format("{}: archived {} rows but {} would be deleted", source.table,
                                   manifest.rows, deleted));
  }
  journal.Complete(entry.id, manifest);
  observer_.StepDone("rows-deleted");
  transaction.Commit();
  observer_.StepDone("committed");
  spdlog::info("archive: {} rows of {} to {}", manifest.rows, source.table, entry.key_prefix);
  report.archived.push_back(std::move(manifest));
  return true;
}

void Archiver::ArchivePartition(const PartitionSource& source, ArchiveRunReport& report) {
  ArchiveJournal journal(connection_);
  const JournalEntry entry = journal.Open("event_log", source.name);
  observer_.StepDone("journal-opened");

  pg::Transaction transaction(connection_, {});
  UseArchiveTimeStyle(transaction.Conn());
  // Nobody writes to a month two years old, but a backdated event must not slip in unarchived.
  LockPartition(transaction.Conn(), source);
  const long total = ContentsOf(transaction.Conn(), source).rows;
  const RowStream stream{.copy_sql = CopyPartition(source),
                         .columns = ColumnsOf(transaction.Conn(), source.name),
                         .time_column = "created_at"};
  ArchiveWriter writer(store_, entry, options_, observer_);
  ExportRows(transaction, stream, writer, observer_, source.name, total);
  ArchiveManifest manifest = writer.Finish({.table = "event_log",
                                            .partition = source.name,
                                            .schema_revision = SchemaRevision(connection_),
                                            .time_column = "created_at",
                                            .cutoff = source.cutoff});
  VerifyStored(store_, entry.key_prefix, manifest);
  observer_.StepDone("verified");
  CheckWithinRetention(manifest);
  if (manifest.rows != total) {
    throw ArchiveError(
        fmt::format("{}: archived {} rows of {}", source.name, manifest.rows, total));
  }

  DropPartition(transaction.Conn(), source);
  ForgetCommitNumbersWithoutEvents(transaction.Conn(), source.cutoff);
  journal.Complete(entry.id, manifest);
  observer_.StepDone("rows-deleted");
  transaction.Commit();
  observer_.StepDone("committed");
  spdlog::info("archive: partition {} ({} rows) to {}", source.name, manifest.rows,
               entry.key_prefix);
  report.archived.push_back(std::move(manifest));
}

}  // namespace nedlia::archive
