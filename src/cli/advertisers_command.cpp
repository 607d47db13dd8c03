// `nedlia advertisers erase ID`: an advertiser's personal data erased from the command line.
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "app/advertiser_commands.hpp"
#include "cli/command.hpp"
#include "cli/command_transaction.hpp"

namespace nedlia::cli {
namespace {

void Erase(const Settings& settings, const std::string& id_text) {
  const auto id = domain::Uuid::Parse(id_text);
  if (!id)
    throw UserError("the advertiser id must be a UUID");
  bool erased_now = false;
  WithDatabase(settings,
               [&](app::Transaction& tx) { erased_now = app::EraseAdvertiser(tx, {}, *id); });
  std::cout << (erased_now ? "erased the personal data of advertiser "
                           : "advertiser was already erased: ")
            << id->ToString() << "\n";
}

}  // namespace

void AddAdvertisersCommand(CLI::App& root, CommandContext& context) {
  auto* advertisers = root.add_subcommand("advertisers", "Advertisers: erase personal data");
  advertisers->require_subcommand(1);
  auto* erase = advertisers->add_subcommand(
      "erase",
      "Erase an advertiser's personal data (contact email, billing details, webhook URLs and "
      "secrets), keeping its ids and history; idempotent");
  auto id = std::make_shared<std::string>();
  erase->add_option("id", *id, "the advertiser's id")->required();
  erase->callback([&context, id] { Erase(context.settings, *id); });
}

}  // namespace nedlia::cli
