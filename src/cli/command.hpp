#pragma once

#include <stdexcept>
#include <string>

#include "cli/settings.hpp"

namespace CLI {  // NOLINT(readability-identifier-naming): CLI11's namespace
class App;
}

namespace nedlia::cli {

/// What every subcommand shares: the settings, and the exit code it chooses.
struct CommandContext {
  Settings settings;
  int exit_code = 0;
};

/// A failure the user can act on: printed as one line ("nedlia: ..."), exit status 1.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void AddDbCommand(CLI::App& root, CommandContext& context);
/// `db replica ...`, under the `db` command.
void AddDbReplicaCommand(CLI::App& db, CommandContext& context);
void AddMigrateCommand(CLI::App& root, CommandContext& context);
void AddServeCommand(CLI::App& root, CommandContext& context);
void AddKeysCommand(CLI::App& root, CommandContext& context);
void AddAdvertisersCommand(CLI::App& root, CommandContext& context);
void AddEventsCommand(CLI::App& root, CommandContext& context);
void AddWorkerCommand(CLI::App& root, CommandContext& context);
void AddReadModelCommand(CLI::App& root, CommandContext& context);
void AddPartitionsCommand(CLI::App& root, CommandContext& context);
void AddArchiveCommand(CLI::App& root, CommandContext& context);
void AddRetentionCommand(CLI::App& root, CommandContext& context);
void AddBackupCommand(CLI::App& root, CommandContext& context);

}  // namespace nedlia::cli
