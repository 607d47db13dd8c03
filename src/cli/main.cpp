// The composition root: parses the command line and hands each subcommand its settings.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/logging.hpp"
#include "metrics/process_metrics.hpp"
#include "metrics/registry.hpp"

namespace {

int RunCommand(int argc, char** argv) {
  using nedlia::cli::CommandContext;
  CommandContext context;
  try {
    context.settings = nedlia::cli::Settings::FromEnvironment();
  } catch (const std::exception& error) {
    std::cerr << "nedlia: " << error.what() << "\n";
    return 1;
  }
  nedlia::cli::ConfigureLogging(context.settings.log_level, context.settings.log_format);
  // Every command's process: served by `serve` and `worker` at /metrics.
  const nedlia::metrics::Registry::Collector process_metrics =
      nedlia::metrics::Registry::Process().AddCollector(nedlia::metrics::ProcessMetricsText);
  nedlia::metrics::Registry::Process()
      .GetGauge("nedlia_build_info", "The running build: its version and revision (always 1).",
                nedlia::metrics::Label("version", NEDLIA_VERSION_STRING) + "," +
                    nedlia::metrics::Label("revision", NEDLIA_REVISION))
      .Set(1);

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

}  // namespace

int main(int argc, char** argv) {
  try {
    return RunCommand(argc, argv);
  } catch (const std::exception& error) {  // from setting up, before any command ran
    std::cerr << "nedlia: " << error.what() << "\n";
  } catch (...) {
    std::cerr << "nedlia: failed with an unknown exception\n";
  }
  return 1;
}
