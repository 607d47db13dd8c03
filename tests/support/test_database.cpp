#include "support/test_database.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "domain/uuid.hpp"
#include "support/wait_for.hpp"

namespace nedlia::testing {
namespace {

std::string RequiredEnv(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    throw std::runtime_error(std::string(name) + " is not set: run the tests through ctest");
  }
  return value;
}

const std::string& BaseUrl() {
  static const std::string url = [] {
    const std::string path = RequiredEnv("NEDLIA_TEST_PG_DIR") + "/url";
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line) || line.empty()) {
      throw std::runtime_error("no test PostgreSQL URL in " + path + " (did pg_start run?)");
    }
    return line;
  }();
  return url;
}

}  // namespace

std::string ServerUrl(std::string_view database) {
  // BaseUrl is postgresql://user@host:port/DB?params or postgresql://user@/DB?host=...
  std::string url = BaseUrl();
  const std::size_t authority = url.find("://") + 3;
  const std::size_t path = url.find('/', authority);
  const std::size_t query = url.find('?', path);
  url.replace(path + 1, (query == std::string::npos ? url.size() : query) - path - 1, database);
  return url;
}

std::string NedliaBinary() {
  return RequiredEnv("NEDLIA_TEST_BINARY");
}
std::string SourceDir() {
  return RequiredEnv("NEDLIA_TEST_SOURCE_DIR");
}

TestDatabase::TestDatabase(Template from) {
  std::string id = domain::Uuid::NewV7().ToString();
  std::erase(id, '-');
  name_ = "test_" + id;
  url_ = ServerUrl(name_);
  pg::Connection admin = pg::Connection::Open(ServerUrl("postgres"));
  const char* source = from == Template::kMigrated ? "nedlia_template" : "template0";
  admin.ExecuteScript("CREATE DATABASE " + name_ + " TEMPLATE " + source);
}

TestDatabase::~TestDatabase() {
  try {
    pg::Connection admin = pg::Connection::Open(ServerUrl("postgres"));
    admin.ExecuteScript("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& error) {
    std::fprintf(stderr, "could not drop %s: %s\n", name_.c_str(), error.what());
  }
}

std::string ShellQuote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted.push_back(c);
    }
  }
  return quoted + "'";
}

void TerminateBackend(pg::Connection& admin, int pid) {
  // With a timeout the server waits until the backend left its process table, which happens
  // a little before the process closes its socket and exits: wait for the exit too.
  admin.Execute("SELECT pg_terminate_backend($1, 10000)", pg::Params(pid));
  const std::filesystem::path process = "/proc/" + std::to_string(pid);
  if (!WaitFor([&] { return !std::filesystem::exists(process); }))
    throw std::runtime_error("backend " + std::to_string(pid) + " did not exit");
}

CommandResult RunCommand(const std::string& command_line) {
  const std::string full = command_line + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr)
    throw std::runtime_error("popen failed: " + command_line);
  std::string output;
  std::array<char, 4096> buffer{};
  std::size_t read = 0;
  while ((read = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), read);
  }
  const int status = pclose(pipe);
  const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {exit_code, output};
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

}  // namespace nedlia::testing
