// The composition root: parses the command line and hands each subcommand its settings.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"

namespace {

void ConfigureLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("nedlia");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace

int main(int argc, char** argv) {
  using nedlia::cli::CommandContext;
  CommandContext context;
  try {
    context.settings = nedlia::cli::Settings::FromEnvironment();
  } catch (const std::exception& error) {
    std::cerr << "nedlia: " << error.what() << "\n";
    return 2;
  }
  ConfigureLogging(context.settings.log_level);

  CLI::App app{"nedlia: the Nedlia data platform (system of record, events, lifecycle)", "nedlia"};
  app.require_subcommand(1);
  app.set_version_flag("--version", NEDLIA_VERSION_STRING);
  nedlia::cli::AddDbCommand(app, context);
  nedlia::cli::AddMigrateCommand(app, context);
  nedlia::cli::AddServeCommand(app, context);
  nedlia::cli::AddKeysCommand(app, context);
  nedlia::cli::AddAdvertisersCommand(app, context);
  nedlia::cli::AddEventsCommand(app, context);
  nedlia::cli::AddWorkerCommand(app, context);
  nedlia::cli::AddReadModelCommand(app, context);
  nedlia::cli::AddPartitionsCommand(app, context);
  nedlia::cli::AddArchiveCommand(app, context);
  nedlia::cli::AddRetentionCommand(app, context);
  nedlia::cli::AddBackupCommand(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& done) {  // --help, --version
    return app.exit(done);
  } catch (const CLI::ParseError& error) {
    std::cerr << "nedlia: " << error.what() << "\n\n" << app.help();
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "nedlia: " << error.what() << "\n";
    return 1;
  }
  return context.exit_code;
}
