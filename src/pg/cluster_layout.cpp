#include "pg/cluster_layout.hpp"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

#include "encoding/percent.hpp"

namespace nedlia::pg {
namespace {

namespace fs = std::filesystem;

constexpr int kMinimumMajor = 15;
constexpr const char* kDebianRoot = "/usr/lib/postgresql";
constexpr const char* kRootFallbackParent = "/var/lib/nedlia";
constexpr const char* kServerUser = "postgres";

std::string NotFound(const std::string& looked_in) {
  return "PostgreSQL " + std::to_string(kMinimumMajor) + "+ server binaries not found (looked in " +
         looked_in + "); run scripts/install-deps or set NEDLIA_PG_BIN";
}

bool HasServerPrograms(const fs::path& bin_dir) {
  constexpr std::array<const char*, 3> kPrograms = {"initdb", "pg_ctl", "postgres"};
  return std::all_of(kPrograms.begin(), kPrograms.end(), [&](const char* name) {
    return ::access((bin_dir / name).c_str(), X_OK) == 0;
  });
}

// "pg_ctl (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)" -> "15.14"
std::optional<std::string> ParseVersion(const std::string& text) {
  constexpr std::string_view kMarker = "(PostgreSQL) ";
  const std::size_t at = text.find(kMarker);
  if (at == std::string::npos) {
    return std::nullopt;
  }
  const std::size_t start = at + kMarker.size();
  const std::size_t end = text.find_first_of(" \n", start);
  return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

int MajorOf(std::string_view version) {
  int major = 0;
  std::from_chars(version.data(), version.data() + version.size(), major);
  return major;
}

// Asks pg_ctl itself: the directory name need not say the version.
std::optional<PostgresBinaries> Inspect(const fs::path& bin_dir) {
  if (!HasServerPrograms(bin_dir)) {
    return std::nullopt;
  }
  process::RunOptions options;
  options.timeout = std::chrono::seconds(10);
  const auto result = process::Run({(bin_dir / "pg_ctl").string(), "--version"}, options);
  const auto version = ParseVersion(result.output);
  if (!result.Succeeded() || !version) {
    return std::nullopt;
  }
  return PostgresBinaries{bin_dir, MajorOf(*version), *version};
}

PostgresBinaries InspectRequired(const fs::path& bin_dir) {
  auto binaries = Inspect(bin_dir);
  if (!binaries || binaries->major_version < kMinimumMajor) {
    throw ClusterError(NotFound(bin_dir));
  }
  return *binaries;
}

std::vector<int> InstalledMajors() {
  std::vector<int> majors;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(kDebianRoot, error)) {
    const std::string name = entry.path().filename().string();
    int major = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), major);
    if (ec == std::errc() && end == name.data() + name.size() && major >= kMinimumMajor &&
        HasServerPrograms(entry.path() / "bin")) {
      majors.push_back(major);
    }
  }
  std::sort(majors.begin(), majors.end());
  return majors;
}

bool IsSearchableBy(const struct stat& info, const process::UserIdentity& user) {
  if (info.st_uid == user.uid) {
    return (info.st_mode & S_IXUSR) != 0;
  }
  if (std::find(user.groups.begin(), user.groups.end(), info.st_gid) != user.groups.end()) {
    return (info.st_mode & S_IXGRP) != 0;
  }
  return (info.st_mode & S_IXOTH) != 0;
}

// Whether `user` can reach `dir`: every existing parent must be searchable by it. Missing
// parents do not count: we create them with mode 0755.
bool CanTraverseParents(const process::UserIdentity& user, const fs::path& dir) {
  std::error_code error;
  const fs::path real = fs::weakly_canonical(dir, error);
  if (error) {
    return false;
  }
  for (fs::path parent = real.parent_path();; parent = parent.parent_path()) {
    struct stat info {};
    if (::stat(parent.c_str(), &info) == 0 && !IsSearchableBy(info, user)) {
      return false;
    }
    if (parent == parent.root_path() || parent.empty()) {
      return true;
    }
  }
}

// sun_path holds the socket file's whole path, NUL included.
bool FitsUnixSocket(const fs::path& socket_dir, int port) {
  const std::string socket_file = (socket_dir / (".s.PGSQL." + std::to_string(port))).string();
  return socket_file.size() < sizeof(sockaddr_un{}.sun_path);
}

// RFC 3986 percent-encoding for a URI path segment or query value; '/' stays readable.
std::string PercentEncode(std::string_view text) {
  return encoding::PercentEncodeUnreserved(text, true);
}

}  // namespace

bool ClusterLayout::HomeIsOursOrEmpty() const {
  const std::array<fs::path, 7> ours = {data_dir,  socket_dir,  server_log, initdb_log,
                                        lock_file, staging_dir, fence_file};
  std::error_code error;
  bool empty = true;
  for (const auto& entry : fs::directory_iterator(home, error)) {
    empty = false;
    if (std::find(ours.begin(), ours.end(), entry.path()) != ours.end()) {
      return true;
    }
  }
  return empty && !error;
}

std::string SocketUrl(std::string_view user, std::string_view dbname, const fs::path& socket_dir,
                      int port) {
  return "postgresql://" + PercentEncode(user) + "@/" + PercentEncode(dbname) +
         "?host=" + PercentEncode(socket_dir.string()) + "&port=" + std::to_string(port);
}

std::string LoopbackUrl(std::string_view user, std::string_view dbname, int port) {
  return "postgresql://" + PercentEncode(user) + "@127.0.0.1:" + std::to_string(port) + "/" +
         PercentEncode(dbname);
}

uid_t ClusterLayout::ServerUid() const {
  return server_user ? server_user->uid : ::geteuid();
}

PostgresBinaries FindPostgresBinaries(const std::optional<fs::path>& bin_dir,
                                      std::optional<int> data_major) {
  if (bin_dir) {
    return InspectRequired(*bin_dir);
  }
  if (const char* from_env = std::getenv("NEDLIA_PG_BIN"); from_env != nullptr && *from_env) {
    return InspectRequired(from_env);
  }
  const std::vector<int> majors = InstalledMajors();
  const std::string looked_in = std::string(kDebianRoot) + "/<N>/bin";
  if (majors.empty()) {
    throw ClusterError(NotFound(looked_in));
  }
  int major = majors.back();
  if (data_major && std::find(majors.begin(), majors.end(), *data_major) != majors.end()) {
    major = *data_major;
  }
  return InspectRequired(fs::path(kDebianRoot) / std::to_string(major) / "bin");
}

ClusterLayout ResolveClusterLayout(const fs::path& dir, int port) {
  ClusterLayout layout;
  layout.requested_dir = fs::absolute(dir).lexically_normal();
  if (!layout.requested_dir.has_filename()) {  // a trailing slash survives lexically_normal
    layout.requested_dir = layout.requested_dir.parent_path();
  }
  layout.home = layout.requested_dir;
  if (::geteuid() == 0) {
    try {
      layout.server_user = process::LookupUser(kServerUser);
    } catch (const std::runtime_error&) {
      throw ClusterError(std::string("running as root, but there is no '") + kServerUser +
                         "' OS user to run PostgreSQL as; run scripts/install-deps");
    }
    if (!CanTraverseParents(*layout.server_user, layout.requested_dir)) {
      layout.home = fs::path(kRootFallbackParent) / ShortHash(layout.requested_dir.string());
    }
  }
  layout.data_dir = layout.home / "data";
  layout.socket_dir = layout.home / "sock";
  if (!FitsUnixSocket(layout.socket_dir, port)) {
    const std::string key = layout.home.string() + ":" + std::to_string(layout.ServerUid());
    layout.socket_dir = "/tmp/nedlia-pg-" + ShortHash(key);
  }
  layout.server_log = layout.home / "server.log";
  layout.initdb_log = layout.home / "initdb.log";
  layout.lock_file = layout.home / "nedlia.lock";
  layout.staging_dir = layout.home / "data.initdb";
  layout.fence_file = layout.home / "failed-over";
  return layout;
}

void CreateDirectories(const fs::path& dir) {
  std::error_code error;
  if (fs::is_directory(dir, error)) {
    return;
  }
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    CreateDirectories(dir.parent_path());
  }
  if (::mkdir(dir.c_str(), 0755) == 0) {
    // mkdir's mode is filtered by the umask (often 077 for root); the server user must get in.
    ::chmod(dir.c_str(), 0755);
  } else if (errno != EEXIST) {
    throw ClusterError("cannot create " + dir.string() + ": " + std::strerror(errno) +
                       "; set NEDLIA_PG_DIR to a directory you can write");
  }
}

void GiveTo(const fs::path& path, const std::optional<process::UserIdentity>& user) {
  if (!user) {
    return;
  }
  if (::lchown(path.c_str(), user->uid, user->gid) != 0) {
    throw ClusterError("cannot give " + path.string() + " to OS user '" + user->name +
                       "': " + std::strerror(errno));
  }
}

std::string ShortHash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex(12, '0');
  for (char& digit : hex) {
    digit = kDigits[hash >> 60];
    hash <<= 4;
  }
  return hex;
}

}  // namespace nedlia::pg
