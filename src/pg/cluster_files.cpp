#include "pg/cluster_files.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "pg/cluster_layout.hpp"

namespace nedlia::pg {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSettingsMarker =
    "# ---- nedlia managed cluster: rewritten by `nedlia db start`; put your settings above ----";

template <typename Int>
std::optional<Int> ParseInt(std::string_view text) {
  Int value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// A string literal for postgresql.conf: single quotes doubled.
std::string ConfQuote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c;
    if (c == '\'') {
      quoted += '\'';
    }
  }
  return quoted + "'";
}

std::optional<std::string> ReadWhole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<PostmasterInfo> ReadPostmasterPid(const fs::path& data_dir) {
  // Lines: pid, data dir, start time, port, first socket dir, listen address, shmem key, state.
  std::ifstream in(data_dir / "postmaster.pid");
  std::vector<std::string> lines;
  for (std::string line; lines.size() < 8 && std::getline(in, line);) {
    lines.push_back(line);
  }
  if (lines.size() < 4) {
    return std::nullopt;
  }
  const auto pid = ParseInt<pid_t>(lines[0]);
  const auto port = ParseInt<int>(lines[3]);
  if (!pid || !port || *pid <= 0) {
    return std::nullopt;
  }
  PostmasterInfo info{*pid, *port, lines.size() > 4 ? lines[4] : "", ""};
  if (lines.size() > 7) {
    info.state = lines[7].substr(0, lines[7].find_last_not_of(' ') + 1);
  }
  return info;
}

bool IsPostmasterAlive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno != EPERM) {
    return false;
  }
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  if (!std::getline(comm, name)) {
    return true;  // no /proc to ask: trust the pid, as pg_ctl does
  }
  return name == "postgres" || name == "postmaster";
}

// A listener on the port makes this bind fail; SO_REUSEADDR keeps TIME_WAIT leftovers of our
// own previous run from looking like one.
bool IsLoopbackPortFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return true;  // cannot tell: let the server try
  }
  const int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return bound;
}

void WriteManagedSettings(const fs::path& postgresql_conf, int port, const fs::path& socket_dir,
                          std::string_view max_slot_wal_keep_size,
                          std::string_view archive_command) {
  const auto current = ReadWhole(postgresql_conf);
  if (!current) {
    throw ClusterError("cannot read " + postgresql_conf.string() + ": " + std::strerror(errno));
  }
  std::string text = *current;
  if (const std::size_t marker = text.find(kSettingsMarker); marker != std::string::npos) {
    text.erase(marker);
  } else if (!text.empty() && text.back() != '\n') {
    text += '\n';
  }
  text += std::string(kSettingsMarker) + "\n";
  text += "listen_addresses = '127.0.0.1'\n";
  text += "port = " + std::to_string(port) + "\n";
  text += "unix_socket_directories = " + ConfQuote(socket_dir.string()) + "\n";
  // Logical decoding: the event readers stream committed events from a replication slot in
  // commit order. It writes a little more WAL than replica (which it includes).
  text += "wal_level = logical\n";
  // A slot nobody reads (a replica gone, a reader stopped) keeps WAL until the disk fills;
  // past this much the server gives the slot up instead (its reader must start over).
  text += "max_slot_wal_keep_size = " + std::string(max_slot_wal_keep_size) + "\n";
  if (!archive_command.empty()) {
    // A segment is archived when full or after archive_timeout: at most a minute of commits
    // exists only in the live cluster (the recovery point objective).
    text += "archive_mode = on\n";
    text += "archive_command = " + ConfQuote(archive_command) + "\n";
    text += "archive_timeout = 60\n";
  }
  if (text == *current) {
    return;
  }
  // Truncating in place keeps the file's owner (the server user) and mode.
  std::ofstream out(postgresql_conf, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) {
    throw ClusterError("cannot write " + postgresql_conf.string() + ": " + std::strerror(errno));
  }
}

std::string LastLines(const fs::path& file, std::size_t count, std::uintmax_t offset) {
  std::ifstream in(file, std::ios::binary);
  if (!in || !in.seekg(static_cast<std::streamoff>(offset))) {
    return "";
  }
  std::deque<std::string> last;
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    last.push_back(line);
    if (last.size() > count) {
      last.pop_front();
    }
  }
  std::string joined;
  for (const auto& line : last) {
    joined += (joined.empty() ? "" : " | ") + line;
  }
  return joined;
}

std::uintmax_t FileSize(const fs::path& file) {
  std::error_code error;
  const auto size = fs::file_size(file, error);
  return error ? 0 : size;
}

FileLock::FileLock(const fs::path& file, std::chrono::seconds patience) {
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw ClusterError("cannot open the lock file " + file.string() + ": " + std::strerror(errno));
  }
  const auto deadline = std::chrono::steady_clock::now() + patience;
  bool told = false;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int error = errno;
      ::close(fd_);
      throw ClusterError("cannot lock " + file.string() + ": " + std::strerror(error));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd_);
      throw ClusterError("another nedlia process has held " + file.string() + " for " +
                         std::to_string(patience.count()) +
                         " s (starting or stopping the cluster); try again when it is done");
    }
    if (!told) {
      spdlog::info("waiting for another nedlia process to finish with the cluster ({})",
                   file.string());
      told = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

FileLock::~FileLock() {
  ::flock(fd_, LOCK_UN);
  ::close(fd_);
}

}  // namespace nedlia::pg
