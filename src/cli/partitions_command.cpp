// `nedlia partitions maintain`: event_log's monthly partitions, as `nedlia serve` keeps them.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "repositories/maintenance.hpp"

namespace nedlia::cli {
namespace {

void Maintain(const Settings& settings) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  repositories::PartitionUpkeep upkeep;
  try {
    upkeep = repositories::MaintainEventLogPartitions(connection, settings.event_log_months_ahead);
  } catch (const std::runtime_error& error) {
    throw UserError(std::string("event_log partitions: ") + error.what());
  }
  for (const std::string& name : upkeep.created)
    std::cout << "created " << name << "\n";
  std::cout << "event_log: partitions up to " << settings.event_log_months_ahead
            << " months ahead, " << upkeep.created.size() << " created, " << upkeep.rows_moved
            << " row(s) moved out of the default partition\n";
}

}  // namespace

void AddPartitionsCommand(CLI::App& root, CommandContext& context) {
  auto* partitions = root.add_subcommand("partitions", "event_log's monthly partitions");
  partitions->require_subcommand(1);
  partitions
      ->add_subcommand("maintain",
                       "Make the partitions ahead (NEDLIA_EVENT_LOG_MONTHS_AHEAD) and move rows "
                       "out of the default partition")
      ->callback([&context] { Maintain(context.settings); });
}

}  // namespace nedlia::cli
