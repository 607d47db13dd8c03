// `nedlia retention run [--dry-run]`: what retention deletes rather than archives (src/retention),
// as `nedlia serve` does it every 6 hours.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "cli/job_records.hpp"
#include "cli/object_store_factory.hpp"
#include "retention/purges.hpp"

namespace nedlia::cli {
namespace {

void PrintPlan(const std::vector<retention::PurgeOutcome>& plan) {
  for (const retention::PurgeOutcome& purge : plan)
    std::cout << fmt::format("would delete {} {}\n", purge.count, purge.what);
}

/// Prints what each purge deleted; a failed one fails the command once the others have run.
void PrintRun(const std::vector<retention::PurgeOutcome>& outcomes) {
  int failed = 0;
  for (const retention::PurgeOutcome& purge : outcomes) {
    if (purge.error.empty()) {
      std::cout << fmt::format("deleted {} {}\n", purge.count, purge.what);
      continue;
    }
    std::cout << fmt::format("could not delete {}: {}\n", purge.what, purge.error);
    ++failed;
  }
  if (failed > 0) {
    throw UserError(fmt::format(
        "retention: {} purge(s) failed; what they deleted stays deleted, the next run carries on",
        failed));
  }
}

void Run(const Settings& settings, bool dry_run) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  if (dry_run) {
    PrintPlan(retention::PlanPurges(connection, settings.Purges()));
    return;
  }
  const std::unique_ptr<app::ObjectStore> store = MakeObjectStore(settings);
  const std::vector<retention::PurgeOutcome> outcomes =
      retention::RunPurges(connection, *store, settings.Purges());
  RecordPurges(connection, outcomes);
  PrintRun(outcomes);
}

}  // namespace

void AddRetentionCommand(CLI::App& root, CommandContext& context) {
  auto* retention = root.add_subcommand(
      "retention", "What is deleted rather than archived once past its retention");
  retention->require_subcommand(1);
  auto dry_run = std::make_shared<bool>(false);
  auto* run = retention->add_subcommand(
      "run",
      "Delete everything past retention that is not archived (as `nedlia serve` does every 6 h)");
  run->add_flag("--dry-run", *dry_run, "Say how much each purge would delete; change nothing");
  run->callback([&context, dry_run] { Run(context.settings, *dry_run); });
}

}  // namespace nedlia::cli
