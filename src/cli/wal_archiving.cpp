#include "cli/wal_archiving.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "backup/durable_file.hpp"
#include "cli/command.hpp"
#include "object_stores/store_directories.hpp"

namespace nedlia::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kEnvFileName = "wal-archive.env";

// Single quotes for /bin/sh: ' becomes '\''.
std::string ShellQuote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

fs::path SelfExecutable() {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) {
    throw UserError("cannot find the nedlia executable (/proc/self/exe) for archive_command");
  }
  return self;
}

// The server user writes the segments into the filesystem store's wal/. The store is
// private (directories 0700, files 0600: see storage/store_directories.cpp). As root the
// server runs as another OS user (postgres): wal/ becomes that user's alone, and the store's
// root lets that user's group pass (search permission only, 0710: it cannot list the root,
// and every other directory below is root's, 0700).
void PrepareWalDirectory(const Settings& settings, const pg::ManagedCluster& cluster) {
  if (settings.s3_endpoint) {
    return;
  }
  const fs::path root = fs::absolute(settings.objects_dir);
  const fs::path wal = root / "wal";
  pg::CreateDirectories(root.parent_path());  // 0755: the server user must traverse them
  object_stores::CreateStoreDirectories(root, wal);
  fs::permissions(wal, fs::perms::owner_all);  // made 0755 by an older nedlia
  const auto& server_user = cluster.Layout().server_user;
  if (!server_user) {
    return;  // the server runs as we do
  }
  pg::GiveTo(wal, server_user);
  if (::chown(root.c_str(), static_cast<uid_t>(-1), server_user->gid) != 0) {
    throw UserError("cannot give " + root.string() + " to the group of OS user '" +
                    server_user->name + "': " + std::strerror(errno));
  }
  fs::permissions(root, fs::perms::owner_all | fs::perms::group_exec);
}

void WriteEnvironmentIfHome(const Settings& settings, const pg::ManagedCluster& cluster) {
  const auto& layout = cluster.Layout();
  if (fs::is_directory(layout.home)) {
    WriteStoreEnvironment(settings, layout.home / kEnvFileName, layout.server_user);
  }
}

}  // namespace

std::string NedliaCommand(const std::string& arguments, const fs::path& env_file) {
  return ShellQuote(SelfExecutable().string()) + " backup " + arguments + " --env-file " +
         ShellQuote(env_file.string());
}

bool StartManagedCluster(const Settings& settings, pg::ManagedCluster& cluster) {
  if (!settings.backup_archive_wal) {
    return cluster.Start();
  }
  PrepareWalDirectory(settings, cluster);
  const fs::path env_file = cluster.Layout().home / kEnvFileName;
  cluster.EnableWalArchiving(NedliaCommand("wal-push %p %f", env_file));
  // Before the start when the home exists (the archiver may run at once), and after it for a
  // cluster created just now.
  WriteEnvironmentIfHome(settings, cluster);
  const bool started = cluster.Start();
  WriteEnvironmentIfHome(settings, cluster);
  return started;
}

void WriteStoreEnvironment(const Settings& settings, const fs::path& file,
                           const std::optional<process::UserIdentity>& owner) {
  std::vector<std::pair<std::string, std::string>> values;
  if (settings.s3_endpoint) {
    values = {{"NEDLIA_S3_ENDPOINT", *settings.s3_endpoint},
              {"NEDLIA_S3_BUCKET", settings.s3_bucket.value_or("")},
              {"NEDLIA_S3_REGION", settings.s3_region},
              {"NEDLIA_S3_ACCESS_KEY_ID", settings.s3_access_key_id.value_or("")},
              {"NEDLIA_S3_SECRET_ACCESS_KEY", settings.s3_secret_access_key.value_or("")}};
  } else {
    values = {{"NEDLIA_OBJECTS_DIR", fs::absolute(settings.objects_dir).string()}};
  }
  std::string text;
  for (const auto& [name, value] : values) {
    text += name + "=" + value + "\n";
  }
  // 0600 from its creation (the secret key goes in), the owner's before it is in place.
  backup::ReplaceFileDurably(file, text, owner);
}

Settings WithStoreEnvironment(Settings settings, const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw UserError("cannot read " + file.string() +
                    " (the object store settings for WAL archiving)");
  }
  settings.s3_endpoint.reset();
  for (std::string line; std::getline(in, line);) {
    const std::size_t equals = line.find('=');
    if (equals == std::string::npos) {
      continue;
    }
    const std::string name = line.substr(0, equals);
    const std::string value = line.substr(equals + 1);
    if (name == "NEDLIA_OBJECTS_DIR") {
      settings.objects_dir = value;
    } else if (name == "NEDLIA_S3_ENDPOINT") {
      settings.s3_endpoint = value;
    } else if (name == "NEDLIA_S3_BUCKET") {
      settings.s3_bucket = value;
    } else if (name == "NEDLIA_S3_REGION") {
      settings.s3_region = value;
    } else if (name == "NEDLIA_S3_ACCESS_KEY_ID") {
      settings.s3_access_key_id = value;
    } else if (name == "NEDLIA_S3_SECRET_ACCESS_KEY") {
      settings.s3_secret_access_key = value;
    }
  }
  return settings;
}

}  // namespace nedlia::cli
