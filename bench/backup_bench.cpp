// The base-backup benchmark (issue 7 point 7): `nedlia backup create` against a plain
// `pg_basebackup` of the same cluster in the same run, as a ratio.
//
//   backup_bench --nedlia PATH [--rows N] [--rounds N]
//
// It starts a managed cluster of its own (`nedlia db start`, WAL archiving into a filesystem
// object store, both under a fresh /tmp directory), fills a table with --rows rows of ~100
// bytes, then alternates --rounds times: pg_basebackup -Ft -X none --checkpoint=fast into a
// temporary directory (the same options nedlia uses, without compression, checksums or upload)
// and `nedlia backup create` (the same, plus zstd, SHA-256 and the store). Alternating keeps the
// machine's drift off the ratio. Prints one line per measurement and the medians' ratio.
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_numbers.hpp"
#include "pg/cluster_layout.hpp"
#include "pg/connection.hpp"
#include "process/subprocess.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string nedlia;
  long rows = 1'000'000;
  int rounds = 3;
};

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    const auto number = nedlia::bench::ParseNumber(value);
    if (flag == "--nedlia") {
      options.nedlia = value;
    } else if (flag == "--rows" && number) {
      options.rows = static_cast<long>(*number);
    } else if (flag == "--rounds" && number) {
      options.rounds = static_cast<int>(*number);
    } else {
      throw std::invalid_argument("unknown or malformed option " + flag);
    }
  }
  if (options.nedlia.empty()) {
    throw std::invalid_argument("usage: backup_bench --nedlia PATH [--rows N] [--rounds N]");
  }
  return options;
}

nedlia::process::RunResult MustRun(const std::vector<std::string>& argv,
                                   const nedlia::process::Environment& environment) {
  auto result = nedlia::process::Run(argv, {.environment = environment});
  if (!result.Succeeded()) {
    throw std::runtime_error(argv[0] + " failed: " + result.output);
  }
  return result;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The benchmark's directory and cluster, stopped and removed however the run ends.
class Workspace {
 public:
  Workspace(std::string nedlia, fs::path root, nedlia::process::Environment environment)
      : nedlia_(std::move(nedlia)), root_(std::move(root)), environment_(std::move(environment)) {}
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  Workspace(Workspace&&) = delete;
  Workspace& operator=(Workspace&&) = delete;
  ~Workspace() {
    nedlia::process::Run({nedlia_, "db", "stop"}, {.environment = environment_});
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

 private:
  std::string nedlia_;
  fs::path root_;
  nedlia::process::Environment environment_;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) try {
  const Options options = ParseOptions(argc, argv);
  std::string pattern = "/tmp/nedlia-backup-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  const fs::path root = pattern;
  fs::permissions(root, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec |
                            fs::perms::group_read | fs::perms::others_read);
  const int port = 20000 + static_cast<int>(::getpid() % 20000);
  const nedlia::process::Environment environment = {
      {"NEDLIA_PG_DIR", (root / "pg").string()},
      {"NEDLIA_PG_PORT", std::to_string(port)},
      {"NEDLIA_OBJECTS_DIR", (root / "objects").string()},
      {"NEDLIA_DATABASE_URL", ""},
      {"NEDLIA_LOG_LEVEL", "warn"}};
  const Workspace workspace(options.nedlia, root, environment);
  MustRun({options.nedlia, "db", "start"}, environment);
  const std::string url = "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/nedlia";
  {
    auto connection = nedlia::pg::Connection::Open(url);
    connection.ExecuteScript(
        "CREATE TABLE filler (id bigint PRIMARY KEY, body text); "
        "INSERT INTO filler SELECT i, md5(i::text) || md5((i * 7)::text) || md5((i * 13)::text) "
        "FROM generate_series(1, " +
        std::to_string(options.rows) + ") AS i; CHECKPOINT");
    const auto size = connection.Execute("SELECT pg_size_pretty(pg_database_size('nedlia'))");
    std::cout << "database nedlia: " << size[0][0].View() << ", " << options.rows << " rows\n";
  }
  const auto binaries = nedlia::pg::FindPostgresBinaries(std::nullopt, std::nullopt);
  std::vector<double> plain;
  std::vector<double> ours;
  for (int round = 0; round < options.rounds; ++round) {
    const fs::path target = root / ("plain-" + std::to_string(round));
    auto start = Clock::now();
    MustRun({binaries.Program("pg_basebackup").string(), "--dbname=" + url, "-D", target.string(),
             "-Ft", "-X", "none", "--checkpoint=fast", "--no-password"},
            environment);
    plain.push_back(Seconds(start));
    fs::remove_all(target);
    start = Clock::now();
    MustRun({options.nedlia, "backup", "create"}, environment);
    ours.push_back(Seconds(start));
    std::cout << "round " << round + 1 << ": pg_basebackup " << plain.back()
              << " s, nedlia backup create " << ours.back() << " s\n";
  }
  const auto stored = nedlia::process::Run({"du", "-sh", (root / "objects" / "backups").string()});
  std::cout << "median: pg_basebackup " << Median(plain) << " s, nedlia backup create "
            << Median(ours) << " s, ratio " << Median(ours) / Median(plain) << "\n"
            << "stored backups (all rounds): " << stored.output;
  return 0;
} catch (const std::exception& error) {
  std::cerr << "backup_bench: " << error.what() << "\n";
  return 1;
}
