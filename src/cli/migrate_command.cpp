// `nedlia migrate ...`: versioned schema migrations (see src/migrate).
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "migrate/drift.hpp"
#include "migrate/lint.hpp"
#include "migrate/migrator.hpp"
#include "migrate/offline_script.hpp"
#include "migrate/revision_writer.hpp"

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

void PrintFindings(const std::vector<migrate::LintFinding>& findings, const std::string& prefix) {
  for (const migrate::LintFinding& finding : findings) {
    std::cout << prefix << finding.location << ": [" << finding.rule << "] " << finding.message
              << "\n";
  }
}

void CreateRevision(const Settings& settings, const std::string& message, bool autogenerate) {
  const ScriptDirectory scripts = LoadScripts(settings);
  const RevisionSet heads = scripts.Heads();
  if (heads.size() > 1) {
    throw UserError("multiple heads (" + migrate::JoinRevisions(heads) +
                    "): join them with 'nedlia migrate merge heads -m MESSAGE' first");
  }
  migrate::NewRevision revision{.parents = heads, .message = message};
  if (autogenerate) {
    const auto changes =
        migrate::DiffDeclaredSchema(ResolveDatabaseUrl(settings), scripts, settings.schema_dir);
    if (changes.empty()) {
      std::cout << "No changes: " << settings.schema_dir.string()
                << " and the migrations at head agree; nothing generated.\n";
      return;
    }
    revision.up_sql = migrate::RenderUp(changes);
    revision.down_sql = migrate::RenderDown(changes);
    revision.breaks_earlier_releases = migrate::DropsWhatEarlierReleasesUse(revision.up_sql);
    for (const migrate::SchemaChange& change : changes) {
      std::cout << "Detected " << change.description << "\n";
      if (!change.warning.empty())
        std::cout << "  WARNING: " << change.warning << "\n";
    }
  }
  const auto path = migrate::WriteRevision(scripts, revision);
  std::cout << "Generating " << path.string() << " ... done\n";
  if (revision.breaks_earlier_releases) {
    std::cout << "It drops or renames what the release before it uses, so it declares '-- breaks: "
                 "releases before this one': releases before it refuse to start once it is "
                 "applied. Apply it only when none of them runs (or split it: expand now, "
                 "contract in a later release).\n";
  }
  if (autogenerate) {
    PrintFindings(
        migrate::LintMigration(migrate::ParseMigrationScript(path, migrate::ReadSqlFile(path))),
        "Review: ");
  }
}

void Merge(const Settings& settings, const std::vector<std::string>& revisions,
           const std::string& message) {
  const ScriptDirectory scripts = LoadScripts(settings);
  RevisionSet parents;
  for (const std::string& revision : revisions) {
    const RevisionSet resolved =
        revision == "heads" ? scripts.Heads() : migrate::ResolveTarget(scripts, revision);
    parents.insert(resolved.begin(), resolved.end());
  }
  parents = scripts.HeadsOf(parents);  // one descending from another needs no merge
  if (parents.size() < 2) {
    throw UserError("nothing to merge: " + migrate::JoinRevisions(parents) +
                    " is a single line of history");
  }
  const auto path = migrate::WriteRevision(
      scripts, {.parents = parents,
                .message = message,
                .up_sql = "-- joins " + migrate::JoinRevisions(parents) + "; nothing to run\n",
                .down_sql = "-- nothing to undo\n"});
  std::cout << "Generating " << path.string() << " ... done\n";
}

void ShowHeads(const Settings& settings) {
  const ScriptDirectory scripts = LoadScripts(settings);
  for (const std::string& head : scripts.Heads())
    std::cout << head << " (head), " << scripts.Resolve(head).message << "\n";
}

void ShowBranches(const Settings& settings) {
  const ScriptDirectory scripts = LoadScripts(settings);
  for (const migrate::MigrationScript* script : scripts.TopologicalOrder()) {
    const RevisionSet children = scripts.Children(script->revision);
    if (children.size() < 2)
      continue;
    std::cout << script->revision << " (branchpoint), " << script->message << "\n";
    for (const std::string& child : children)
      std::cout << "  -> " << child << ", " << scripts.Resolve(child).message << "\n";
  }
}

/// "FROM:TO" of an offline run, or TO alone with `from` the default.
std::pair<std::string, std::string> OfflineRange(const std::string& target,
                                                 const std::string& default_from) {
  const auto colon = target.find(':');
  if (colon == std::string::npos) {
    if (default_from.empty())
      throw UserError("downgrade --sql needs FROM:TO (the database is not read)");
    return {default_from, target};
  }
  return {target.substr(0, colon), target.substr(colon + 1)};
}

void PrintOffline(const Settings& settings, Direction direction, const std::string& target) {
  const ScriptDirectory scripts = LoadScripts(settings);
  const auto [from, to] = OfflineRange(target, direction == Direction::kUp ? "base" : "");
  const RevisionSet start = migrate::ResolveTarget(scripts, from);
  // Planning needs no connection: a Migrator over none would never touch it.
  const auto steps = direction == Direction::kUp ? migrate::PlanUpgrade(scripts, start, to)
                                                 : migrate::PlanDowngrade(scripts, start, to);
  std::cout << migrate::RenderOfflineMigration(scripts, start, steps);
}

void Check(const Settings& settings) {
  const ScriptDirectory scripts = LoadScripts(settings);
  const auto findings = migrate::LintMigrations(scripts);
  PrintFindings(findings, "");
  const auto changes =
      migrate::DiffDeclaredSchema(ResolveDatabaseUrl(settings), scripts, settings.schema_dir);
  for (const migrate::SchemaChange& change : changes)
    std::cout << "drift: " << change.description << "\n";
  if (!findings.empty() || !changes.empty()) {
    throw UserError(std::to_string(findings.size()) +
                    " unsafe operation(s) in the migrations (fix them, or allow one with "
                    "'-- lint: allow RULE: reason'), " +
                    std::to_string(changes.size()) + " difference(s) between " +
                    settings.schema_dir.string() +
                    " and the migrations at head (nedlia migrate revision --autogenerate)");
  }
  std::cout << "The migrations are safe to run on a live database, and build "
            << settings.schema_dir.string() << ".\n";
}

void Stamp(const Settings& settings, const std::string& target, bool sql, bool purge) {
  const ScriptDirectory scripts = LoadScripts(settings);
  if (sql) {
    std::cout << migrate::RenderOfflineStamp(
        scripts, scripts.HeadsOf(migrate::ResolveTarget(scripts, target)));
    return;
  }
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  migrate::Migrator migrator(connection, scripts);
  const RevisionSet stamped = migrator.Stamp(target, purge);
  std::cout << "Stamped the database at " << migrate::JoinRevisions(stamped)
            << " (no migration ran)\n";
}

}  // namespace

void AddMigrateCommand(CLI::App& root, CommandContext& context) {
  auto* migrate = root.add_subcommand("migrate", "Versioned schema migrations");
  migrate->require_subcommand(1);

  auto* upgrade = migrate->add_subcommand("upgrade", "Apply migrations up to a revision");
  auto upgrade_target = std::make_shared<std::string>("head");
  auto upgrade_sql = std::make_shared<bool>(false);
  upgrade->add_option("target", *upgrade_target,
                      "head (default), heads, REV or +N; with --sql also FROM:TO");
  upgrade->add_flag("--sql", *upgrade_sql, "Print the SQL instead of running it (from base)");
  upgrade->callback([&context, upgrade_target, upgrade_sql] {
    if (*upgrade_sql) {
      PrintOffline(context.settings, Direction::kUp, *upgrade_target);
    } else {
      Move(context.settings, Direction::kUp, *upgrade_target);
    }
  });

  auto* downgrade = migrate->add_subcommand("downgrade", "Revert migrations down to a revision");
  auto downgrade_target = std::make_shared<std::string>();
  auto downgrade_sql = std::make_shared<bool>(false);
  downgrade->add_option("target", *downgrade_target, "-N, REV or base; with --sql FROM:TO")
      ->required();
  downgrade->add_flag("--sql", *downgrade_sql, "Print the SQL instead of running it");
  downgrade->callback([&context, downgrade_target, downgrade_sql] {
    if (*downgrade_sql) {
      PrintOffline(context.settings, Direction::kDown, *downgrade_target);
    } else {
      Move(context.settings, Direction::kDown, *downgrade_target);
    }
  });

  auto* stamp = migrate->add_subcommand(
      "stamp", "Record a revision as the database's without running migrations");
  auto stamp_target = std::make_shared<std::string>();
  auto stamp_sql = std::make_shared<bool>(false);
  auto stamp_purge = std::make_shared<bool>(false);
  stamp->add_option("target", *stamp_target, "head, heads, REV or base")->required();
  stamp->add_flag("--sql", *stamp_sql, "Print the SQL instead of running it");
  stamp->add_flag("--purge", *stamp_purge,
                  "Overwrite the version table even if it names a revision no file knows");
  stamp->callback([&context, stamp_target, stamp_sql, stamp_purge] {
    Stamp(context.settings, *stamp_target, *stamp_sql, *stamp_purge);
  });

  migrate->add_subcommand("current", "Show the revision the database is at")->callback([&context] {
    ShowCurrent(context.settings);
  });
  migrate->add_subcommand("history", "List the migrations, newest first")->callback([&context] {
    ShowHistory(context.settings);
  });
  migrate
      ->add_subcommand("check",
                       "Fail on unsafe operations in the migrations, or drift from schema/")
      ->callback([&context] { Check(context.settings); });
  migrate->add_subcommand("heads", "Show the revisions no other descends from")
      ->callback([&context] { ShowHeads(context.settings); });
  migrate->add_subcommand("branches", "Show the revisions with more than one child")
      ->callback([&context] { ShowBranches(context.settings); });

  auto* revision = migrate->add_subcommand("revision", "Create a migration on the head");
  auto message = std::make_shared<std::string>();
  auto autogenerate = std::make_shared<bool>(false);
  revision->add_option("-m,--message", *message, "What the migration does")->required();
  revision->add_flag("--autogenerate", *autogenerate,
                     "Write the SQL that moves the migrations' schema to schema/");
  revision->callback([&context, message, autogenerate] {
    CreateRevision(context.settings, *message, *autogenerate);
  });

  auto* merge = migrate->add_subcommand("merge", "Create a migration joining several heads");
  auto merge_revisions = std::make_shared<std::vector<std::string>>();
  auto merge_message = std::make_shared<std::string>();
  merge->add_option("revisions", *merge_revisions, "The revisions to join (default: heads)");
  merge->add_option("-m,--message", *merge_message, "What the merge does")->required();
  merge->callback([&context, merge_revisions, merge_message] {
    Merge(context.settings,
          merge_revisions->empty() ? std::vector<std::string>{"heads"} : *merge_revisions,
          *merge_message);
  });
}

}  // namespace nedlia::cli
