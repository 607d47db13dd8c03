// `nedlia keys create|list|revoke`: API keys, managed from the command line.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "api/json_writer.hpp"
#include "app/api_keys.hpp"
#include "app/errors.hpp"
#include "cli/command.hpp"
#include "cli/command_transaction.hpp"

namespace nedlia::cli {
namespace {

struct CreateOptions {
  std::string role;
  std::string advertiser;
  std::string name = "API key";
};

void Create(const Settings& settings, const CreateOptions& options) {
  const auto role = app::ParseRole(options.role);
  if (!role)
    throw UserError("--role must be admin or advertiser");
  std::optional<domain::Uuid> advertiser;
  if (!options.advertiser.empty()) {
    advertiser = domain::Uuid::Parse(options.advertiser);
    if (!advertiser)
      throw UserError("--advertiser must be a UUID");
  }
  std::optional<app::IssuedKey> issued;
  WithDatabase(settings, [&](app::Transaction& tx) {
    issued = app::CreateApiKey(tx, *role, advertiser, options.name);
  });
  // Printed after the commit: the secret alone on standard output, so scripts can capture it.
  std::cout << issued->secret << "\n";
  std::cerr << "created API key " << issued->record.id.ToString() << " (" << options.role
            << "); the secret above is shown only once\n";
}

void List(const Settings& settings) {
  std::vector<app::ApiKeyRecord> keys;
  WithDatabase(settings, [&](app::Transaction& tx) { keys = app::ListApiKeys(tx); });
  std::cout << "id\trole\tadvertiser_id\tcreated_at\trevoked_at\tname\n";
  for (const auto& key : keys) {
    std::cout << key.id.ToString() << '\t' << app::ToString(key.role) << '\t'
              << (key.advertiser_id ? key.advertiser_id->ToString() : "-") << '\t'
              << api::Rfc3339(key.created_at) << '\t'
              << (key.revoked_at ? api::Rfc3339(*key.revoked_at) : "-") << '\t' << key.name << '\n';
  }
}

void Revoke(const Settings& settings, const std::string& id_text) {
  const auto id = domain::Uuid::Parse(id_text);
  if (!id)
    throw UserError("the key id must be a UUID (see `nedlia keys list`)");
  WithDatabase(settings, [&](app::Transaction& tx) { app::RevokeApiKey(tx, *id); });
  std::cout << "revoked " << id->ToString() << "\n";
}

}  // namespace

void AddKeysCommand(CLI::App& root, CommandContext& context) {
  auto* keys = root.add_subcommand("keys", "API keys: create, list, revoke");
  keys->require_subcommand(1);

  auto* create = keys->add_subcommand("create", "Issue a key and print its secret once");
  auto options = std::make_shared<CreateOptions>();
  create->add_option("--role", options->role, "admin or advertiser")->required();
  create->add_option("--advertiser", options->advertiser, "the advertiser an advertiser key sees");
  create->add_option("--name", options->name, "a label for the key");
  create->callback([&context, options] { Create(context.settings, *options); });

  keys->add_subcommand("list", "List keys (never their secrets)")->callback([&context] {
    List(context.settings);
  });

  auto* revoke = keys->add_subcommand("revoke", "Revoke a key");
  auto id = std::make_shared<std::string>();
  revoke->add_option("id", *id, "the key's id")->required();
  revoke->callback([&context, id] { Revoke(context.settings, *id); });
}

}  // namespace nedlia::cli
