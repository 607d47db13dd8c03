// `nedlia archive run|list|verify|restore`: rows past retention moved to the object store, and
// back (src/archive).
#include <fmt/format.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "archive/archive_codec.hpp"
#include "archive/archive_journal.hpp"
#include "archive/archive_reader.hpp"
#include "archive/archive_restore.hpp"
#include "archive/archiver.hpp"
#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "cli/object_store_factory.hpp"
#include "cli/progress_bar.hpp"
#include "repositories/job_runs.hpp"
#include "repositories/maintenance.hpp"

namespace nedlia::cli {
namespace {

/// Draws the progress bar, and (for the crash tests) kills the process with SIGKILL when the
/// step named by NEDLIA_ARCHIVE_KILL_AFTER ("STEP" or "STEP:N" for its Nth time) completes.
class CommandObserver : public archive::ArchiveObserver {
 public:
  CommandObserver() {
    if (const char* kill = std::getenv("NEDLIA_ARCHIVE_KILL_AFTER")) {
      const std::string spec = kill;
      const auto colon = spec.find(':');
      kill_step_ = spec.substr(0, colon);
      kill_count_ = colon == std::string::npos ? 1 : std::atoi(spec.c_str() + colon + 1);
    }
  }

  void StepDone(std::string_view step) override {
    if (step == kill_step_ && --kill_count_ == 0)
      raise(SIGKILL);
  }
  void Progress(const std::string& what, long done, long total) override {
    bar_.Update(what, done, total);
  }
  void Finish() { bar_.Finish(); }

 private:
  ProgressBar bar_;
  std::string kill_step_;
  int kill_count_ = 0;
};

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

void PrintPlan(const std::vector<archive::PlannedArchive>& plan) {
  if (plan.empty()) {
    std::cout << "nothing is past retention\n";
    return;
  }
  for (const archive::PlannedArchive& item : plan) {
    std::cout << fmt::format("would archive {} rows of {}{} from {} to {} (older than {})\n",
                             item.rows, item.table,
                             item.partition.empty() ? "" : " (partition " + item.partition + ")",
                             OrDash(item.first_at), OrDash(item.last_at), item.cutoff);
  }
}

// Errors the user can act on become one line; a store that is down says nothing was deleted.
template <class Work>
void Explained(Work&& work) {
  try {
    work();
  } catch (const app::ObjectStoreUnavailable& error) {
    throw UserError(std::string("object store unavailable, nothing was deleted (the next run "
                                "retries): ") +
                    error.what());
  } catch (const archive::ArchiveError& error) {
    throw UserError(std::string("archive: ") + error.what());
  } catch (const app::ObjectStoreError& error) {
    throw UserError(std::string("object store: ") + error.what());
  }
}

void Run(const Settings& settings, bool dry_run) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  const auto store = MakeObjectStore(settings);
  CommandObserver observer;
  archive::Archiver archiver(connection, *store, settings.retention,
                             {.storage_class = settings.archive_storage_class}, &observer);
  if (dry_run) {
    PrintPlan(archiver.Plan());
    return;
  }
  // Rows backdated into the default partition belong to their month's partition first.
  repositories::MaintainEventLogPartitions(connection, settings.event_log_months_ahead);
  archive::ArchiveRunReport report;
  try {
    Explained([&] { report = archiver.Run(); });
  } catch (const std::exception& error) {
    repositories::RecordJobFailure(connection, repositories::kArchiveJob, error.what());
    throw;
  }
  std::int64_t rows = 0;
  for (const archive::ArchiveManifest& manifest : report.archived)
    rows += manifest.rows;
  repositories::RecordJobSuccess(connection, repositories::kArchiveJob, rows);
  observer.Finish();
  if (report.pending_cleaned > 0) {
    std::cout << "removed " << report.pending_cleaned
              << " unfinished archive(s) of an interrupted run; their rows were still here\n";
  }
  for (const archive::ArchiveManifest& manifest : report.archived) {
    std::cout << fmt::format("archived {} rows of {}{} ({} to {}) as {}\n", manifest.rows,
                             manifest.table,
                             manifest.partition.empty() ? "" : " " + manifest.partition,
                             OrDash(manifest.first_at), OrDash(manifest.last_at), manifest.id);
  }
  if (report.archived.empty())
    std::cout << "nothing is past retention\n";
}

void List(const Settings& settings) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  const auto entries = archive::ArchiveJournal(connection).WithStatus("complete");
  std::cout << fmt::format("{:<36}  {:<15}  {:<17}  {:>10}  {:<27}  {:<27}  {}\n", "ID", "TABLE",
                           "PARTITION", "ROWS", "FROM", "TO", "KEY PREFIX");
  for (const archive::JournalEntry& entry : entries) {
    std::cout << fmt::format("{:<36}  {:<15}  {:<17}  {:>10}  {:<27}  {:<27}  {}\n", entry.id,
                             entry.table, OrDash(entry.partition), entry.rows,
                             OrDash(entry.first_at), OrDash(entry.last_at), entry.key_prefix);
  }
}

void Verify(const Settings& settings, const std::string& reference) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  const auto store = MakeObjectStore(settings);
  Explained([&] {
    const std::string prefix = archive::LocateArchive(connection, *store, reference);
    const archive::ArchiveManifest manifest =
        archive::FetchJournalledManifest(connection, *store, prefix);
    archive::ReadParts(*store, manifest);
    std::cout << fmt::format("{}: intact, {} rows of {} in {} part(s), {} bytes\n", prefix,
                             manifest.rows, manifest.table, manifest.parts.size(),
                             manifest.Bytes());
  });
}

void Restore(const Settings& settings, const std::string& reference) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  const auto store = MakeObjectStore(settings);
  Explained([&] {
    const std::string prefix = archive::LocateArchive(connection, *store, reference);
    const archive::RestoreReport report = archive::RestoreArchive(connection, *store, prefix);
    std::cout << fmt::format("restored {} rows of {} from {}", report.inserted,
                             report.manifest.table, prefix);
    if (report.already_present > 0)
      std::cout << fmt::format(" ({} were already there)", report.already_present);
    std::cout << "; the archive is removed, its rows are back in the database\n";
  });
}

}  // namespace

void AddArchiveCommand(CLI::App& root, CommandContext& context) {
  auto* archive =
      root.add_subcommand("archive", "Rows past retention, moved to the object store and back");
  archive->require_subcommand(1);

  auto dry_run = std::make_shared<bool>(false);
  auto* run = archive->add_subcommand(
      "run", "Archive everything past retention (NEDLIA_RETENTION_*), verified before deleting");
  run->add_flag("--dry-run", *dry_run, "Say what would be archived; change nothing");
  run->callback([&context, dry_run] { Run(context.settings, *dry_run); });

  archive->add_subcommand("list", "The archives made, with their time ranges")
      ->callback([&context] { List(context.settings); });

  auto reference = std::make_shared<std::string>();
  auto* verify = archive->add_subcommand("verify", "Read an archive back and check every part");
  verify->add_option("ARCHIVE", *reference, "Its id or key prefix")->required();
  verify->callback([&context, reference] { Verify(context.settings, *reference); });

  auto* restore = archive->add_subcommand(
      "restore", "Put an archive's rows back into the database, then remove the archive");
  restore->add_option("ARCHIVE", *reference, "Its id or key prefix")->required();
  restore->callback([&context, reference] { Restore(context.settings, *reference); });
}

}  // namespace nedlia::cli
