#include "cli/wal_archiving.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <vector>

#include "cli/command.hpp"

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

// The server user writes the segments: give it the filesystem store's wal/ directory.
void PrepareWalDirectory(const Settings& settings, const pg::ManagedCluster& cluster) {
  if (settings.s3_endpoint) {
    return;
  }
  const fs::path wal = fs::absolute(settings.objects_dir) / "wal";
  pg::CreateDirectories(wal);
  pg::GiveTo(wal, cluster.Layout().server_user);
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
  const fs::path temporary = file.string() + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    ::chmod(temporary.c_str(), 0600);  // before the secret goes in
    for (const auto& [name, value] : values) {
      out << name << "=" << value << "\n";
    }
    if (!out.flush()) {
      throw UserError("cannot write " + temporary.string());
    }
  }
  pg::GiveTo(temporary, owner);
  fs::rename(temporary, file);
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
