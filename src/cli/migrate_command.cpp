// `nedlia migrate ...`: versioned schema migrations (see src/migrate).
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "migrate/migrator.hpp"

namespace nedlia::cli {
namespace {

using migrate::Direction;
using migrate::MigrationStep;
using migrate::RevisionSet;
using migrate::ScriptDirectory;

migrate::ScriptDirectory LoadScripts(const Settings& settings) {
  return ScriptDirectory::Load(settings.migrations_dir);
}

std::string ParentsText(const migrate::MigrationScript& script) {
  if (script.down_revisions.empty())
    return "<base>";
  std::string text;
  for (const auto& parent : script.down_revisions)
    text += (text.empty() ? "" : ", ") + parent;
  return text;
}

void PrintStep(const MigrationStep& step) {
  const auto& script = *step.script;
  if (step.direction == Direction::kUp) {
    std::cout << "Running upgrade " << ParentsText(script) << " -> " << script.revision << ", "
              << script.message << std::endl;
  } else {
    std::cout << "Running downgrade " << script.revision << " -> " << ParentsText(script) << ", "
              << script.message << std::endl;
  }
}

void PrintPosition(const RevisionSet& current, const ScriptDirectory& scripts) {
  if (current.empty()) {
    std::cout << "base (no migration applied)\n";
    return;
  }
  const RevisionSet heads = scripts.Heads();
  for (const auto& revision : current) {
    std::cout << revision << (heads.contains(revision) ? " (head)" : "") << "\n";
  }
}

void Move(const Settings& settings, Direction direction, const std::string& target) {
  const ScriptDirectory scripts = LoadScripts(settings);
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  migrate::Migrator migrator(connection, scripts);
  const auto steps = direction == Direction::kUp ? migrator.Upgrade(target, PrintStep)
                                                 : migrator.Downgrade(target, PrintStep);
  if (steps.empty())
    std::cout << "Nothing to do.\n";
  std::cout << "Database at: ";
  PrintPosition(migrator.Current(), scripts);
}

void ShowCurrent(const Settings& settings) {
  const ScriptDirectory scripts = LoadScripts(settings);
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  migrate::Migrator migrator(connection, scripts);
  PrintPosition(migrator.Current(), scripts);
}

void ShowHistory(const Settings& settings) {
  const ScriptDirectory scripts = LoadScripts(settings);
  const RevisionSet heads = scripts.Heads();
  const auto order = scripts.TopologicalOrder();
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const auto& script = **it;
    std::cout << ParentsText(script) << " -> " << script.revision
              << (heads.contains(script.revision) ? " (head)" : "") << ", " << script.message
              << "\n";
  }
}

std::string NewRevisionId(const ScriptDirectory& scripts) {
  std::random_device device;
  for (;;) {
    std::uniform_int_distribution<std::uint64_t> bits(0, (std::uint64_t{1} << 48) - 1);
    char text[13];
    std::snprintf(text, sizeof text, "%012llx", static_cast<unsigned long long>(bits(device)));
    if (!scripts.Contains(text))
      return text;
  }
}

std::string Slug(const std::string& message) {
  std::string slug;
  for (char c : message) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word)
      slug.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (!word && !slug.empty() && slug.back() != '_')
      slug.push_back('_');
    if (slug.size() >= 40)
      break;
  }
  while (!slug.empty() && slug.back() == '_')
    slug.pop_back();
  return slug.empty() ? "migration" : slug;
}

std::string UtcNow() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void CreateRevision(const Settings& settings, const std::string& message) {
  if (message.find_first_of("\r\n") != std::string::npos) {
    throw UserError("the message must be one line");
  }
  const ScriptDirectory scripts = LoadScripts(settings);
  const RevisionSet heads = scripts.Heads();
  if (heads.size() > 1)
    throw UserError("multiple heads; merge them before adding a revision");
  migrate::MigrationScript script;
  script.revision = NewRevisionId(scripts);
  script.down_revisions.assign(heads.begin(), heads.end());
  script.message = message;
  script.created = UtcNow();
  script.up_sql = "-- SQL that moves the schema forward\n";
  script.down_sql = "-- SQL that exactly undoes the up part\n";
  const auto path = scripts.Dir() / (script.revision + "_" + Slug(message) + ".sql");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << migrate::RenderMigrationScript(script);
  if (!out.flush())
    throw UserError("cannot write " + path.string());
  std::cout << "Generating " << path.string() << " ... done\n";
}

}  // namespace

void AddMigrateCommand(CLI::App& root, CommandContext& context) {
  auto* migrate = root.add_subcommand("migrate", "Versioned schema migrations");
  migrate->require_subcommand(1);

  auto* upgrade = migrate->add_subcommand("upgrade", "Apply migrations up to a revision");
  auto upgrade_target = std::make_shared<std::string>("head");
  upgrade->add_option("target", *upgrade_target, "head (default), heads, REV or +N");
  upgrade->callback(
      [&context, upgrade_target] { Move(context.settings, Direction::kUp, *upgrade_target); });

  auto* downgrade = migrate->add_subcommand("downgrade", "Revert migrations down to a revision");
  auto downgrade_target = std::make_shared<std::string>();
  downgrade->add_option("target", *downgrade_target, "-N, REV or base")->required();
  downgrade->callback([&context, downgrade_target] {
    Move(context.settings, Direction::kDown, *downgrade_target);
  });

  migrate->add_subcommand("current", "Show the revision the database is at")->callback([&context] {
    ShowCurrent(context.settings);
  });
  migrate->add_subcommand("history", "List the migrations, newest first")->callback([&context] {
    ShowHistory(context.settings);
  });

  auto* revision = migrate->add_subcommand("revision", "Create an empty migration on the head");
  auto message = std::make_shared<std::string>();
  revision->add_option("-m,--message", *message, "What the migration does")->required();
  revision->callback([&context, message] { CreateRevision(context.settings, *message); });
}

}  // namespace nedlia::cli
