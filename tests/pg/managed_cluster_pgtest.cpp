// The managed cluster, against real PostgreSQL binaries: every test makes its own cluster in a
// fresh directory under /tmp on a free port (it does not use the run's shared server).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "pg/managed_cluster.hpp"

namespace nedlia::pg {
namespace {

namespace fs = std::filesystem;

// A socket bound to 127.0.0.1 on a port the kernel chose; closing it frees the port.
class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    auto* raw = reinterpret_cast<sockaddr*>(&address);
    if (fd_ < 0 || ::bind(fd_, raw, size) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, raw, &size) != 0) {
      throw std::runtime_error("cannot bind a port on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
  }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  Listener(Listener&&) = delete;
  Listener& operator=(Listener&&) = delete;
  ~Listener() { ::close(fd_); }
  int Port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

int FreePort() {
  return Listener().Port();
}

// The first column of the first row, or throws with libpq's message.
std::string QueryValue(const std::string& url, const std::string& sql) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(url.c_str()),
                                                                &PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    throw std::runtime_error(url + ": " + PQerrorMessage(connection.get()));
  }
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()),
                                                             &PQclear);
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    throw std::runtime_error(sql + ": " + PQresultErrorMessage(result.get()));
  }
  return PQntuples(result.get()) > 0 ? PQgetvalue(result.get(), 0, 0) : "";
}

class ManagedClusterTest : public ::testing::Test {
 protected:
  ManagedClusterTest() {
    std::string pattern = "/tmp/nedlia-cluster-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    root_ = pattern;
    // mkdtemp makes it 0700; as root the postgres user must be able to get in.
    fs::permissions(root_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
  }

  ManagedClusterTest(const ManagedClusterTest&) = delete;
  ManagedClusterTest& operator=(const ManagedClusterTest&) = delete;
  ManagedClusterTest(ManagedClusterTest&&) = delete;
  ManagedClusterTest& operator=(ManagedClusterTest&&) = delete;

  ~ManagedClusterTest() override {
    for (auto& cluster : clusters_) {
      try {
        cluster->Stop();
      } catch (const std::exception& error) {
        ADD_FAILURE() << "stop failed: " << error.what();
      }
      std::error_code ignored;
      if (cluster->Layout().IsFallbackHome()) {
        fs::remove_all(cluster->Layout().home, ignored);
      }
      if (!cluster->Layout().socket_dir.string().starts_with(root_.string())) {
        fs::remove_all(cluster->Layout().socket_dir, ignored);
      }
    }
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  ClusterOptions Options(const fs::path& relative = "pg") const {
    return ClusterOptions{root_ / relative, port_, std::nullopt};
  }

  // A cluster stopped and cleaned up after the test.
  ManagedCluster& Cluster(ClusterOptions options) {
    clusters_.push_back(std::make_unique<ManagedCluster>(std::move(options)));
    return *clusters_.back();
  }
  ManagedCluster& Cluster() { return Cluster(Options()); }

  fs::path root_;
  int port_ = FreePort();
  std::vector<std::unique_ptr<ManagedCluster>> clusters_;
};

TEST_F(ManagedClusterTest, FirstStartCreatesAUtf8ClusterWithDataChecksums) {
  ManagedCluster& cluster = Cluster();
  EXPECT_TRUE(cluster.Start());
  const std::string url = cluster.Url("postgres");
  EXPECT_EQ(QueryValue(url, "SHOW data_checksums"), "on");
  EXPECT_EQ(QueryValue(url, "SHOW server_encoding"), "UTF8");
  EXPECT_EQ(QueryValue(url, "SHOW lc_collate"), "C.UTF-8");
  EXPECT_EQ(QueryValue(url, "SHOW listen_addresses"), "127.0.0.1");
  EXPECT_EQ(QueryValue(url, "SHOW wal_level"), "logical") << "events are read by logical decoding";
  EXPECT_EQ(QueryValue(url, "SHOW max_slot_wal_keep_size"), "8GB")
      << "a slot nobody reads cannot fill the disk";
  EXPECT_TRUE(fs::exists(root_ / "pg" / "initdb.log"));
  EXPECT_TRUE(fs::exists(root_ / "pg" / "server.log"));
  EXPECT_FALSE(fs::exists(root_ / "pg" / "data.initdb"));
}

TEST_F(ManagedClusterTest, StartedClusterAnswersOnItsSocketAndOverTcp) {
  ManagedCluster& cluster = Cluster();
  cluster.Start();
  const std::string socket = (root_ / "pg" / "sock").string();
  EXPECT_EQ(cluster.Url(),
            "postgresql://postgres@/nedlia?host=" + socket + "&port=" + std::to_string(port_));
  EXPECT_EQ(cluster.TcpUrl(),
            "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/nedlia");
  EXPECT_EQ(QueryValue(cluster.Url(), "SELECT current_database()"), "nedlia");
  EXPECT_EQ(QueryValue(cluster.Url(), "SELECT inet_server_addr() IS NULL"), "t");  // Unix socket
  EXPECT_EQ(QueryValue(cluster.TcpUrl(), "SELECT host(inet_server_addr())"), "127.0.0.1");
  EXPECT_EQ(QueryValue(cluster.TcpUrl("postgres"), "SELECT current_user"), "postgres");
}

TEST_F(ManagedClusterTest, StartTwiceReusesTheCluster) {
  ManagedCluster& cluster = Cluster();
  ASSERT_TRUE(cluster.Start());
  const auto first_pid = cluster.Status().pid;
  EXPECT_FALSE(cluster.Start());
  EXPECT_FALSE(ManagedCluster(Options()).Start());  // another process's view: the same
  EXPECT_EQ(cluster.Status().pid, first_pid);
}

TEST_F(ManagedClusterTest, StopThenStartKeepsTheData) {
  ManagedCluster& cluster = Cluster();
  cluster.Start();
  QueryValue(cluster.Url(),
             "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('still here')");
  EXPECT_TRUE(cluster.Stop());
  EXPECT_FALSE(cluster.Stop());
  EXPECT_THROW(QueryValue(cluster.Url(), "SELECT 1"), std::runtime_error);
  EXPECT_TRUE(cluster.Start());
  EXPECT_EQ(QueryValue(cluster.Url(), "SELECT value FROM kept"), "still here");
}

TEST_F(ManagedClusterTest, StatusReflectsTheState) {
  ManagedCluster& cluster = Cluster();
  ClusterStatus status = cluster.Status();
  EXPECT_FALSE(status.initialized);
  EXPECT_FALSE(status.running);
  EXPECT_EQ(status.port, port_);
  EXPECT_EQ(status.data_dir, root_ / "pg" / "data");

  cluster.Start();
  status = cluster.Status();
  EXPECT_TRUE(status.initialized);
  EXPECT_TRUE(status.running);
  EXPECT_TRUE(status.accepting);
  ASSERT_TRUE(status.pid.has_value());
  std::ifstream comm("/proc/" + std::to_string(*status.pid) + "/comm");
  std::string program;
  std::getline(comm, program);
  EXPECT_EQ(program, "postgres");
  EXPECT_EQ(status.version, QueryValue(cluster.Url(), "SELECT split_part(version(), ' ', 2)"));
  EXPECT_EQ(status.socket_dir, root_ / "pg" / "sock");

  cluster.Stop();
  status = cluster.Status();
  EXPECT_TRUE(status.initialized);
  EXPECT_FALSE(status.running);
  EXPECT_FALSE(status.pid.has_value());
  EXPECT_FALSE(status.version.empty());  // the data directory's major version
}

TEST_F(ManagedClusterTest, PortInUseIsAClearErrorAndLeavesNoDataDirectory) {
  const Listener squatter;
  ClusterOptions options = Options();
  options.port = squatter.Port();
  ManagedCluster& cluster = Cluster(options);
  try {
    cluster.Start();
    FAIL() << "expected ClusterError";
  } catch (const ClusterError& error) {
    EXPECT_EQ(std::string(error.what()), "port " + std::to_string(squatter.Port()) +
                                             " on 127.0.0.1 is in use; set NEDLIA_PG_PORT (or "
                                             "--port) to a free port");
  }
  EXPECT_FALSE(fs::exists(root_ / "pg" / "data"));
  EXPECT_FALSE(cluster.Status().running);
}

TEST_F(ManagedClusterTest, MissingBinariesAreAClearError) {
  const fs::path empty_bin = root_ / "empty-bin";
  fs::create_directory(empty_bin);
  ClusterOptions options = Options();
  options.bin_dir = empty_bin;
  try {
    Cluster(options).Start();
    FAIL() << "expected ClusterError";
  } catch (const ClusterError& error) {
    EXPECT_EQ(std::string(error.what()), "PostgreSQL 15+ server binaries not found (looked in " +
                                             empty_bin.string() +
                                             "); run scripts/install-deps or set NEDLIA_PG_BIN");
  }
  EXPECT_FALSE(fs::exists(root_ / "pg"));
}

TEST_F(ManagedClusterTest, FailingInitdbLeavesNoDataDirectoryAndShowsItsLog) {
  // Fake binaries: a pg_ctl that reports a version and an initdb that fails halfway.
  const fs::path bin = root_ / "fake-bin";
  fs::create_directory(bin);
  const auto script = [&](const char* name, const std::string& body) {
    std::ofstream(bin / name) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(bin / name, fs::perms::owner_all | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
  };
  script("pg_ctl", "echo 'pg_ctl (PostgreSQL) 15.99'");
  script("postgres", "exit 1");
  script("initdb", "touch \"$2/PG_VERSION\"; echo 'initdb: error: disk on fire' >&2; exit 1");
  ClusterOptions options = Options();
  options.bin_dir = bin;
  try {
    Cluster(options).Start();
    FAIL() << "expected ClusterError";
  } catch (const ClusterError& error) {
    EXPECT_NE(std::string(error.what()).find("initdb failed"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("disk on fire"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(fs::exists(root_ / "pg" / "data"));
  EXPECT_FALSE(fs::exists(root_ / "pg" / "data.initdb"));
}

TEST_F(ManagedClusterTest, ServerThatCannotStartShowsTheEndOfItsLog) {
  ManagedCluster& cluster = Cluster();
  cluster.Start();
  cluster.Stop();
  const fs::path conf = root_ / "pg" / "data" / "postgresql.conf";
  std::string text;
  {
    std::ifstream in(conf);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  // Above nedlia's block, below the default it overrides.
  std::string broken = text;
  broken.insert(broken.find("# ---- nedlia managed cluster"), "max_connections = 'many'\n");
  std::ofstream(conf, std::ios::trunc) << broken;
  try {
    cluster.Start();
    FAIL() << "expected ClusterError";
  } catch (const ClusterError& error) {
    EXPECT_NE(std::string(error.what()).find("PostgreSQL did not start"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("max_connections"), std::string::npos) << error.what();
  }
  EXPECT_FALSE(cluster.Status().running);
  std::ofstream(conf, std::ios::trunc) << text;  // repaired, it starts again
  EXPECT_TRUE(cluster.Start());
}

TEST_F(ManagedClusterTest, DirectoryThatIsNotADataDirectoryIsRefusedAndKept) {
  fs::create_directories(root_ / "pg" / "data");
  std::ofstream(root_ / "pg" / "data" / "precious.txt") << "mine";
  try {
    Cluster().Start();
    FAIL() << "expected ClusterError";
  } catch (const ClusterError& error) {
    EXPECT_NE(std::string(error.what()).find("is not a PostgreSQL data directory"),
              std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(fs::exists(root_ / "pg" / "data" / "precious.txt"));
}

TEST_F(ManagedClusterTest, ForeignNonEmptyDirectoryIsRefused) {
  fs::create_directories(root_ / "pg");
  std::ofstream(root_ / "pg" / "notes.txt") << "not a cluster";
  EXPECT_THROW(Cluster().Start(), ClusterError);
  EXPECT_FALSE(fs::exists(root_ / "pg" / "data"));
}

TEST_F(ManagedClusterTest, TwoStartingAtOnceShareOneCluster) {
  bool started[2] = {false, false};
  std::string errors[2];
  const auto start = [&](int i) {
    try {
      started[i] = ManagedCluster(Options()).Start();
    } catch (const std::exception& error) {
      errors[i] = error.what();
    }
  };
  std::thread first(start, 0);
  std::thread second(start, 1);
  first.join();
  second.join();
  Cluster();  // for the cleanup
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_NE(started[0], started[1]) << "exactly one of them starts the server";
  EXPECT_EQ(QueryValue(ManagedCluster(Options()).Url(), "SELECT 1"), "1");
}

TEST_F(ManagedClusterTest, LongDirectoryGetsASocketDirectoryUnderTmp) {
  const fs::path deep = fs::path(std::string(60, 'd')) / std::string(60, 'e') / "pg";
  ManagedCluster& cluster = Cluster(Options(deep));
  EXPECT_TRUE(cluster.Layout().socket_dir.string().starts_with("/tmp/nedlia-pg-"));
  EXPECT_EQ(ManagedCluster(Options(deep)).Layout().socket_dir, cluster.Layout().socket_dir);
  cluster.Start();
  EXPECT_EQ(QueryValue(cluster.Url(), "SELECT 1"), "1");
}

TEST_F(ManagedClusterTest, AsRootAnUnreachableDirectoryFallsBackUnderVarLib) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root";
  }
  const fs::path locked = root_ / "locked";
  fs::create_directory(locked);
  fs::permissions(locked, fs::perms::owner_all);  // 0700 root: like /root
  ManagedCluster& cluster = Cluster(Options("locked/pg"));
  ASSERT_TRUE(cluster.Layout().IsFallbackHome());
  EXPECT_TRUE(cluster.Layout().home.string().starts_with("/var/lib/nedlia/"));
  EXPECT_EQ(ManagedCluster(Options("locked/pg")).Layout().home, cluster.Layout().home);
  cluster.Start();
  EXPECT_EQ(QueryValue(cluster.Url(), "SELECT current_user"), "postgres");
  struct stat info {};
  ASSERT_EQ(::stat(cluster.Layout().data_dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, cluster.Layout().server_user->uid);
}

}  // namespace
}  // namespace nedlia::pg
