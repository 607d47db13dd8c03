// `nedlia events list|show|validate|check`: the event catalog from the command line.
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/database_access.hpp"
#include "cli/database_connect.hpp"
#include "consumers/subscription_admin.hpp"
#include "domain/date.hpp"
#include "events/catalog.hpp"
#include "events/cloud_event.hpp"
#include "events/compatibility.hpp"
#include "events/envelope.hpp"
#include "events/json_schema.hpp"
#include "pg/replication_slots.hpp"
#include "pg/replication_stream.hpp"
#include "process/subprocess.hpp"

namespace nedlia::cli {
namespace {

struct EventsOptions {
  std::string dir;  ///< a catalog directory; empty: the catalog built into this binary
  std::string type;
  std::string file;
  std::string against;
  bool schema = false;
  // Subscriptions and dead letters.
  std::string consumer;
  std::string event_id;
  bool all = false;
  std::string from;
  std::string since;
};

events::Catalog LoadCatalog(const std::string& dir) {
  try {
    return dir.empty() ? events::Catalog::Embedded() : events::Catalog::LoadDirectory(dir);
  } catch (const events::CatalogError& error) {
    throw UserError(error.what());
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw UserError(path + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void List(const EventsOptions& options) {
  const events::Catalog catalog = LoadCatalog(options.dir);
  std::cout << "type\tconsumers\tdescription\n";
  for (const events::EventSchema& entry : catalog.Entries()) {
    std::string consumers;
    for (const std::string& consumer : entry.consumers)
      consumers += (consumers.empty() ? "" : ",") + consumer;
    std::cout << entry.VersionedType() << '\t' << (consumers.empty() ? "-" : consumers) << '\t'
              << entry.description
              << (entry.deprecation ? " (deprecated: superseded by v" +
                                          std::to_string(entry.deprecation->superseded_by) +
                                          " after " + entry.deprecation->sunset + ")"
                                    : "")
              << '\n';
  }
}

void PrintFields(const events::Fields& fields, int depth) {
  for (const auto& [name, field] : fields) {
    std::cout << std::string(static_cast<std::size_t>(2 + depth * 2), ' ') << name << ": "
              << events::ToString(field.type);
    if (!field.format.empty())
      std::cout << " (" << field.format << ")";
    if (field.required)
      std::cout << ", required";
    if (field.nullable)
      std::cout << ", nullable";
    if (!field.enum_values.empty()) {
      std::cout << ", one of";
      for (const std::string& value : field.enum_values)
        std::cout << ' ' << value;
    }
    if (!field.description.empty())
      std::cout << " — " << field.description;
    std::cout << '\n';
    if (field.type == events::FieldType::kObject)
      PrintFields(field.properties, depth + 1);
  }
}

void Show(const EventsOptions& options, const Settings& settings) {
  const events::Catalog catalog = LoadCatalog(options.dir);
  std::vector<const events::EventSchema*> matches;
  for (const events::EventSchema& entry : catalog.Entries()) {
    const std::string versioned = entry.VersionedType();
    if (versioned == options.type || entry.type == options.type ||
        versioned == "com.nedlia." + options.type || entry.type == "com.nedlia." + options.type)
      matches.push_back(&entry);
  }
  if (matches.empty())
    throw UserError("no event type " + options.type + " in the catalog (see `nedlia events list`)");
  for (const events::EventSchema* entry : matches) {
    if (options.schema) {
      // The same document, $id included, as GET /v1/schemas/events/{type} serves.
      const std::string id = settings.Envelope().schema_base_url + entry->VersionedType();
      std::cout << events::ToJsonSchema(*entry, id).dump(2) << '\n';
      continue;
    }
    std::cout << entry->VersionedType() << " (" << entry->file << ")\n"
              << "  " << entry->description << '\n';
    if (entry->deprecation) {
      std::cout << "  deprecated since " << entry->deprecation->since << ": superseded by v"
                << entry->deprecation->superseded_by << ", published until "
                << entry->deprecation->sunset << '\n';
    }
    std::cout << "data:\n";
    PrintFields(entry->data, 0);
    std::cout << "consumers:";
    for (const std::string& consumer : entry->consumers)
      std::cout << ' ' << consumer;
    std::cout << (entry->consumers.empty() ? " none\n" : "\n");
  }
}

/// One CloudEvent (structured mode) against the catalog: "" when valid, else why not.
std::string ProblemWith(const nlohmann::json& json, const events::Catalog& catalog) {
  try {
    const events::CloudEvent event = events::FromStructured(json);
    events::CheckAgainstCatalog(catalog, event.type, event.data);
    return {};
  } catch (const std::exception& error) {
    return error.what();
  }
}

/// A catalog file (.yaml), or CloudEvents in structured mode: one JSON object, an array of
/// them, or JSON Lines.
void Validate(const EventsOptions& options, int& exit_code) {
  const std::string text = ReadFile(options.file);
  if (options.file.ends_with(".yaml") || options.file.ends_with(".yml")) {
    try {
      const auto catalog = events::Catalog::Parse({{options.file, text}});
      std::cout << options.file << ": valid catalog entry "
                << catalog.Entries().front().VersionedType() << '\n';
    } catch (const events::CatalogError& error) {
      throw UserError(error.what());
    }
    return;
  }
  const events::Catalog catalog = LoadCatalog(options.dir);
  std::vector<nlohmann::json> items;
  try {
    const nlohmann::json whole = nlohmann::json::parse(text);
    if (whole.is_array()) {
      items.assign(whole.begin(), whole.end());
    } else {
      items.push_back(whole);
    }
  } catch (const nlohmann::json::parse_error&) {
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (line.find_first_not_of(" \t\r") == std::string::npos)
        continue;
      try {
        items.push_back(nlohmann::json::parse(line));
      } catch (const nlohmann::json::parse_error& error) {
        throw UserError(options.file + ":" + std::to_string(number) +
                        ": not JSON: " + error.what());
      }
    }
  }
  int invalid = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string problem = ProblemWith(items[i], catalog);
    const std::string where =
        options.file + (items.size() > 1 ? "[" + std::to_string(i) + "]" : "");
    if (problem.empty()) {
      std::cout << where << ": valid " << items[i].value("type", "") << '\n';
    } else {
      std::cout << where << ": invalid: " << problem << '\n';
      ++invalid;
    }
  }
  if (invalid > 0)
    exit_code = 1;
}

/// The catalog at a git revision: events/*.yaml as committed there.
events::Catalog CatalogAtRevision(const std::string& revision, const std::string& dir) {
  const auto listed =
      process::Subprocess::Start({"git", "ls-tree", "--name-only", revision, dir + "/"})
          .Wait(std::chrono::seconds(30));
  if (!listed.Succeeded()) {
    throw UserError("--against " + revision + " is neither a directory nor a git revision: " +
                    listed.output.substr(0, listed.output.find('\n')));
  }
  std::vector<std::pair<std::string, std::string>> texts;
  std::istringstream names(listed.output);
  std::string name;
  while (std::getline(names, name)) {
    if (!name.ends_with(".yaml"))
      continue;
    const auto shown = process::Subprocess::Start({"git", "show", revision + ":./" + name})
                           .Wait(std::chrono::seconds(30));
    if (!shown.Succeeded())
      throw UserError("git show " + revision + ":" + name + " failed: " + shown.output);
    texts.emplace_back(revision + ":" + name, shown.output);
  }
  std::vector<events::CatalogFile> files;
  files.reserve(texts.size());
  for (const auto& [file, text] : texts)
    files.push_back({file, text});
  try {
    return events::Catalog::Parse(files);
  } catch (const events::CatalogError& error) {
    throw UserError(error.what());
  }
}

void Check(const EventsOptions& options, int& exit_code) {
  const std::string dir = options.dir.empty() ? "events" : options.dir;
  if (!std::filesystem::is_directory(dir))
    throw UserError(dir + ": no catalog directory here (run from the source tree, or --dir)");
  const events::Catalog head = LoadCatalog(dir);
  std::string base_name = "the catalog built into this binary";
  events::Catalog base = events::Catalog::Embedded();
  if (!options.against.empty()) {
    base_name = options.against;
    base = std::filesystem::is_directory(options.against) ? LoadCatalog(options.against)
                                                          : CatalogAtRevision(options.against, dir);
  }
  int breaking = 0;
  for (const events::SchemaChange& change : events::Compare(base, head)) {
    const bool bad = change.compatibility == events::Compatibility::kBreaking;
    breaking += bad ? 1 : 0;
    std::cout << (bad ? "BREAKING   " : "compatible ") << events::Describe(change) << '\n';
  }
  std::cout << dir << " against " << base_name << ": " << head.Entries().size() << " event types, "
            << (breaking == 0 ? "no breaking change" : std::to_string(breaking) + " breaking")
            << '\n';
  if (breaking > 0)
    exit_code = 1;
}

/// Runs `work` in one transaction on the configured database.
void WithAdmin(const Settings& settings,
               const std::function<void(consumers::SubscriptionAdmin&)>& work) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  connection.ExecuteScript("BEGIN");
  consumers::SubscriptionAdmin admin(connection);
  try {
    work(admin);
  } catch (const UserError&) {
    throw;
  } catch (const std::runtime_error& error) {  // database errors and unknown consumers
    throw UserError(error.what());
  }
  connection.ExecuteScript("COMMIT");
}

void Consumers(const Settings& settings) {
  WithAdmin(settings, [](consumers::SubscriptionAdmin& admin) {
    std::cout << "consumer\tpartitions\thandled\toldest_position\tblocked\tdead_letters\t"
                 "last_error\n";
    for (const auto& status : admin.Subscriptions()) {
      std::cout << status.consumer << '\t' << status.partitions << '\t' << status.handled << '\t'
                << status.oldest.ToString() << '\t' << status.blocked << '\t' << status.dead_letters
                << '\t' << (status.last_error.empty() ? "-" : status.last_error) << '\n';
    }
  });
}

consumers::DeadLetterFilter FilterOf(const EventsOptions& options, bool require_target) {
  consumers::DeadLetterFilter filter;
  if (!options.consumer.empty())
    filter.consumer = options.consumer;
  if (!options.event_id.empty()) {
    filter.event_id = domain::Uuid::Parse(options.event_id);
    if (!filter.event_id)
      throw UserError("the event id must be a UUID (see `nedlia events dead-letters list`)");
  }
  if (require_target && options.event_id.empty() == !options.all)
    throw UserError("name one event id, or say --all (with --consumer to narrow it)");
  return filter;
}

void ListDeadLetters(const Settings& settings, const EventsOptions& options) {
  WithAdmin(settings, [&](consumers::SubscriptionAdmin& admin) {
    std::cout << "event_id\tconsumer\ttype\tattempts\tfailed_at\treplay\tlast_error\n";
    for (const auto& letter : admin.DeadLetters(FilterOf(options, false))) {
      std::cout << letter.event_id.ToString() << '\t' << letter.consumer << '\t'
                << letter.event_type << '\t' << letter.attempts << '\t'
                << domain::FormatRfc3339(letter.failed_at_ms) << '\t'
                << (letter.replay_requested ? "requested" : "-") << '\t' << letter.last_error
                << '\n';
    }
  });
}

void ActOnDeadLetters(const Settings& settings, const EventsOptions& options, bool replay) {
  const consumers::DeadLetterFilter filter = FilterOf(options, true);
  int count = 0;
  WithAdmin(settings, [&](consumers::SubscriptionAdmin& admin) {
    count = replay ? admin.RequestReplay(filter) : admin.Discard(filter);
  });
  if (count == 0 && filter.event_id)
    throw UserError("no dead letter for event " + options.event_id);
  std::cout << (replay ? "replay requested for " : "discarded ") << count << " dead letter"
            << (count == 1 ? "" : "s")
            << (replay ? " (the consumers pick them up on their next pass)" : "") << '\n';
}

void Replay(const Settings& settings, const EventsOptions& options) {
  if (options.from.empty() == options.since.empty())
    throw UserError("say where to replay from: --from POSITION or --since TIME");
  std::optional<events::LogPosition> from;
  if (!options.from.empty()) {
    from = events::LogPosition::Parse(options.from);
    if (!from)
      throw UserError("--from must be a position such as 7351-1042 (an event's position)");
  }
  events::LogPosition after;
  WithAdmin(settings, [&](consumers::SubscriptionAdmin& admin) {
    after =
        from ? consumers::SubscriptionAdmin::Before(*from) : admin.PositionBefore(options.since);
    admin.Rewind(options.consumer, after);
  });
  std::cout << "consumer " << options.consumer << " resumes after position " << after.ToString()
            << "; the events after it will be handled again\n";
}

/// Every replication slot of the server: a slot nobody reads keeps WAL without bound.
void ListSlots(const Settings& settings) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  std::cout << "slot\tkind\tdatabase\tactive\tconfirmed\tretained_bytes\twal_status\n";
  for (const pg::SlotInfo& slot : pg::ListSlots(connection)) {
    std::cout << slot.name << '\t' << (slot.plugin.empty() ? "physical" : slot.plugin) << '\t'
              << (slot.database.empty() ? "-" : slot.database) << '\t'
              << (slot.active ? "yes" : "no") << '\t'
              << (slot.confirmed ? slot.confirmed->ToString() : "-") << '\t' << slot.retained_bytes
              << '\t' << (slot.wal_status.empty() ? "-" : slot.wal_status) << '\n';
  }
}

void DropSlot(const Settings& settings, const std::string& name) {
  pg::Connection connection = ConnectOrExplain(ResolveDatabaseUrl(settings));
  try {
    if (!pg::DropSlot(connection, name))
      throw UserError("there is no replication slot " + name + " (see `nedlia events slots`)");
  } catch (const pg::SlotUnusable&) {
    throw UserError("replication slot " + name +
                    " is in use: stop the process that reads it first (`nedlia events slots` "
                    "shows which are active)");
  } catch (const pg::Error& error) {
    throw UserError("cannot drop replication slot " + name + ": " + error.what());
  }
  std::cout << "dropped replication slot " << name << ": the server no longer keeps WAL for it\n";
}

}  // namespace

void AddEventsCommand(CLI::App& root, CommandContext& context) {
  auto* group = root.add_subcommand("events", "The event catalog: list, show, validate, check");
  group->require_subcommand(1);
  auto options = std::make_shared<EventsOptions>();
  group->add_option("--dir", options->dir,
                    "a catalog directory (default: the catalog built into nedlia; for check: "
                    "./events)");

  group->add_subcommand("list", "Every event type and version, with its consumers")
      ->callback([options] { List(*options); });

  auto* show = group->add_subcommand("show", "One event type: its fields and consumers");
  show->add_option("type", options->type, "e.g. com.nedlia.placement.created.v1")->required();
  show->add_flag("--schema", options->schema, "print its JSON Schema document instead");
  show->callback([options, &context] { Show(*options, context.settings); });

  auto* validate = group->add_subcommand(
      "validate", "Check CloudEvents (JSON, a JSON array or JSON Lines) or a catalog file (.yaml)");
  validate->add_option("file", options->file, "the file")->required();
  validate->callback([options, &context] { Validate(*options, context.exit_code); });

  auto* check = group->add_subcommand(
      "check", "Classify the changes to ./events as compatible or breaking; exit 1 on breaking");
  check->add_option("--against", options->against,
                    "a git revision (e.g. HEAD~1) or a directory (default: this binary's)");
  check->callback([options, &context] { Check(*options, context.exit_code); });

  group
      ->add_subcommand("consumers", "Each consumer's subscription: position, retries, dead letters")
      ->callback([&context] { Consumers(context.settings); });

  auto* letters = group->add_subcommand("dead-letters", "Events consumers gave up on");
  letters->require_subcommand(1);
  auto* list_letters = letters->add_subcommand("list", "List them");
  list_letters->add_option("--consumer", options->consumer, "only this consumer's");
  list_letters->callback([&context, options] { ListDeadLetters(context.settings, *options); });
  for (const bool replay : {true, false}) {
    auto* act = letters->add_subcommand(
        replay ? "replay" : "discard",
        replay ? "Have the consumer handle them again" : "Drop them for good");
    act->add_option("event_id", options->event_id, "the dead event's id");
    act->add_flag("--all", options->all, "every dead letter (of --consumer)");
    act->add_option("--consumer", options->consumer, "only this consumer's");
    act->callback(
        [&context, options, replay] { ActOnDeadLetters(context.settings, *options, replay); });
  }

  auto* slots = group->add_subcommand(
      "slots", "The server's replication slots and the WAL each retains; drop NAME drops one");
  slots->callback([&context, slots] {
    if (slots->get_subcommands().empty())
      ListSlots(context.settings);
  });
  auto* drop_slot = slots->add_subcommand("drop", "Drop a replication slot");
  auto slot_name = std::make_shared<std::string>();
  drop_slot->add_option("name", *slot_name, "the slot")->required();
  drop_slot->callback([&context, slot_name] { DropSlot(context.settings, *slot_name); });

  auto* replay = group->add_subcommand(
      "replay", "Move a consumer back to a position or a time: it handles the events again");
  replay->add_option("consumer", options->consumer, "the consumer")->required();
  replay->add_option("--from", options->from, "the first event's position (e.g. 7351-1042)");
  replay->add_option("--since", options->since, "the first event's time (RFC 3339)");
  replay->callback([&context, options] { Replay(context.settings, *options); });
}

}  // namespace nedlia::cli
