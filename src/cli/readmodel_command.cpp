// `nedlia readmodel rebuild|verify`: the placement_details read model against its definition.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "readmodel/detail_rows.hpp"

namespace nedlia::cli {
namespace {

/// Runs `work` in one transaction on the configured database; database errors are one line.
template <class Work>
void InTransaction(const Settings& settings, Work&& work) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  try {
    connection.ExecuteScript("BEGIN");
    work(connection);
    connection.ExecuteScript("COMMIT");
  } catch (const std::runtime_error& error) {
    throw UserError(std::string("placement_details: ") + error.what());
  }
}

void Rebuild(const Settings& settings) {
  readmodel::RebuildCounts counts;
  InTransaction(settings, [&](pg::Connection& connection) {
    counts = readmodel::DetailRows(connection).Rebuild();
  });
  std::cout << "placement_details rebuilt: " << counts.total << " rows, " << counts.written
            << " written, " << counts.removed << " removed\n";
}

void Verify(const Settings& settings, int limit, int& exit_code) {
  std::vector<readmodel::Difference> differences;
  std::int64_t total = 0;
  InTransaction(settings, [&](pg::Connection& connection) {
    differences = readmodel::DetailRows(connection).Verify(limit, total);
  });
  for (const readmodel::Difference& difference : differences) {
    std::cout << difference.kind << '\t' << difference.id.ToString();
    for (std::size_t i = 0; i < difference.columns.size(); ++i)
      std::cout << (i == 0 ? "\t" : ",") << difference.columns[i];
    std::cout << '\n';
  }
  if (total == 0) {
    std::cout << "placement_details matches its definition\n";
    return;
  }
  std::cout << total << " difference(s)"
            << (total > static_cast<std::int64_t>(differences.size())
                    ? " (the first " + std::to_string(differences.size()) + " listed)"
                    : "")
            << "; `nedlia readmodel rebuild` repairs them\n";
  exit_code = 1;
}

}  // namespace

void AddReadModelCommand(CLI::App& root, CommandContext& context) {
  auto* group = root.add_subcommand(
      "readmodel", "The placement_details read model: rebuild it, or verify it against its join");
  group->require_subcommand(1);
  group
      ->add_subcommand("rebuild",
                       "Recompute every row from the write tables, in one transaction (the "
                       "projector waits meanwhile)")
      ->callback([&context] { Rebuild(context.settings); });
  auto limit = std::make_shared<int>(100);
  auto* verify = group->add_subcommand(
      "verify",
      "List the rows that differ from the specification's join (missing, extra, differs with "
      "the columns); exit 1 when any does");
  verify->add_option("--limit", *limit, "list at most this many differences")
      ->check(CLI::Range(1, 1'000'000));
  verify->callback([&context, limit] { Verify(context.settings, *limit, context.exit_code); });
}

}  // namespace nedlia::cli
