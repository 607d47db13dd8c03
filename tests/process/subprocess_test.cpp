#include "process/subprocess.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace nedlia::process {
namespace {

using namespace std::chrono_literals;

RunResult Shell(const std::string& script, const RunOptions& options = {}) {
  return process::Run({"/bin/sh", "-c", script}, options);
}

std::size_t OpenDescriptorCount() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

TEST(SubprocessTest, CapturesStdoutAndStderrTogether) {
  const RunResult result = Shell("echo out; echo err >&2");
  EXPECT_TRUE(result.Succeeded());
  EXPECT_EQ(result.output, "out\nerr\n");
}

TEST(SubprocessTest, ReportsTheExitStatus) {
  const RunResult result = Shell("echo failing; exit 7");
  EXPECT_EQ(result.exit_code, 7);
  EXPECT_FALSE(result.Succeeded());
  EXPECT_EQ(result.output, "failing\n");
}

TEST(SubprocessTest, ReportsDeathBySignalAs128PlusTheSignal) {
  EXPECT_EQ(Shell("kill -TERM $$").exit_code, 128 + SIGTERM);
}

TEST(SubprocessTest, PassesArgumentsVerbatimWithoutAShell) {
  const RunResult result = process::Run({"printf", "%s|", "a b", "$HOME", "*", "'quoted'"});
  EXPECT_EQ(result.output, "a b|$HOME|*|'quoted'|");
}

TEST(SubprocessTest, AddsAndReplacesEnvironmentVariables) {
  ::setenv("NEDLIA_SUBPROCESS_TEST_OLD", "old", 1);
  RunOptions options;
  options.environment = {{"NEDLIA_SUBPROCESS_TEST_OLD", "new"}, {"NEDLIA_SUBPROCESS_TEST", "42"}};
  const RunResult result = process::Run({"env"}, options);
  EXPECT_NE(result.output.find("NEDLIA_SUBPROCESS_TEST=42\n"), std::string::npos);
  EXPECT_NE(result.output.find("NEDLIA_SUBPROCESS_TEST_OLD=new\n"), std::string::npos);
  EXPECT_EQ(result.output.find("NEDLIA_SUBPROCESS_TEST_OLD=old"), std::string::npos);
  ::unsetenv("NEDLIA_SUBPROCESS_TEST_OLD");
}

TEST(SubprocessTest, MissingProgramThrowsAnErrorNamingIt) {
  try {
    process::Run({"nedlia-no-such-program", "--help"});
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("nedlia-no-such-program"), std::string::npos);
  }
  EXPECT_THROW(process::Run({"/nonexistent/bin/initdb"}), std::system_error);
}

TEST(SubprocessTest, EmptyArgvIsRejected) {
  EXPECT_THROW(process::Run({}), std::invalid_argument);
}

TEST(SubprocessTest, TimeoutKillsTheChild) {
  RunOptions options;
  options.timeout = 200ms;
  const auto started = std::chrono::steady_clock::now();
  const RunResult result = process::Run({"sleep", "30"}, options);
  EXPECT_TRUE(result.timed_out);
  EXPECT_FALSE(result.Succeeded());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(SubprocessTest, ABackgroundGrandchildHoldingThePipeDoesNotDelayTheResult) {
  // Like pg_ctl start: the child exits while a daemon it started still has our stdout.
  const auto started = std::chrono::steady_clock::now();
  const RunResult result = Shell("sleep 3 & echo started");
  EXPECT_TRUE(result.Succeeded());
  EXPECT_EQ(result.output, "started\n");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(SubprocessTest, StdinIsEmptyWhenCapturing) {
  RunOptions options;
  options.timeout = 5s;
  const RunResult result = process::Run({"cat"}, options);
  EXPECT_FALSE(result.timed_out);
  EXPECT_EQ(result.output, "");
}

TEST(SubprocessTest, DiscardedOutputIsNotCaptured) {
  RunOptions options;
  options.output = Output::kDiscard;
  const RunResult result = Shell("echo hidden; exit 3", options);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.output, "");
}

TEST(SubprocessTest, RunsInTheRequestedWorkingDirectory) {
  RunOptions options;
  options.working_dir = "/tmp";
  EXPECT_EQ(process::Run({"pwd"}, options).output, "/tmp\n");
}

TEST(SubprocessTest, OurDescriptorsDoNotLeakIntoTheChild) {
  // Opened without O_CLOEXEC, as a careless library might.
  const int fd = ::open("/dev/null", O_RDONLY);  // NOLINT(android-cloexec-open)
  ASSERT_GE(fd, 0);
  const RunResult result = Shell("[ ! -e /proc/$$/fd/" + std::to_string(fd) + " ]");
  ::close(fd);
  EXPECT_TRUE(result.Succeeded()) << "descriptor " << fd << " leaked into the child";
}

TEST(SubprocessTest, RunningManyChildrenLeaksNoDescriptor) {
  const std::size_t before = OpenDescriptorCount();
  for (int i = 0; i < 20; ++i) {
    Shell("echo x");
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_THROW(process::Run({"nedlia-no-such-program"}), std::system_error);
  }
  EXPECT_EQ(OpenDescriptorCount(), before);
}

TEST(SubprocessTest, DestroyingAnUnwaitedChildKillsAndReapsIt) {
  pid_t pid = 0;
  {
    Subprocess child = Subprocess::Start({"sleep", "30"});
    pid = child.Pid();
    ASSERT_GT(pid, 0);
  }
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // already reaped: no zombie
  EXPECT_EQ(errno, ECHILD);
}

TEST(SubprocessTest, WaitCollectsOutputOfAStartedChild) {
  Subprocess child = Subprocess::Start({"/bin/sh", "-c", "echo one; sleep 0.1; echo two"});
  const RunResult result = child.Wait(5s);
  EXPECT_EQ(result.output, "one\ntwo\n");
  EXPECT_EQ(child.Pid(), -1);
}

TEST(SubprocessTest, RunsAsAnotherOsUserWhenRoot) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root";
  }
  RunOptions options;
  options.user = "nobody";
  const RunResult result = Shell("id -un; id -u; echo $HOME; pwd", options);
  ASSERT_TRUE(result.Succeeded()) << result.output;
  const UserIdentity nobody = LookupUser("nobody");
  EXPECT_EQ(result.output,
            "nobody\n" + std::to_string(nobody.uid) + "\n" + nobody.home.string() + "\n/\n");
}

TEST(SubprocessTest, SwitchingUserWithoutRootFailsClearly) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "needs an ordinary user";
  }
  RunOptions options;
  options.user = "root";
  try {
    process::Run({"true"}, options);
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& error) {
    EXPECT_NE(std::string(error.what()).find("as OS user 'root'"), std::string::npos);
  }
}

TEST(SubprocessTest, UnknownUserIsRejected) {
  RunOptions options;
  options.user = "nedlia-no-such-user";
  EXPECT_THROW(process::Run({"true"}, options), std::runtime_error);
}

TEST(SubprocessTest, LookupUserFindsRootAndItsGroups) {
  const UserIdentity root = LookupUser("root");
  EXPECT_EQ(root.uid, 0U);
  EXPECT_EQ(root.gid, 0U);
  EXPECT_NE(std::find(root.groups.begin(), root.groups.end(), 0U), root.groups.end());
}

TEST(SubprocessTest, FindProgramSearchesPath) {
  const auto sh = FindProgram("sh");
  ASSERT_TRUE(sh.has_value());
  EXPECT_EQ(sh->filename(), "sh");
  EXPECT_FALSE(FindProgram("nedlia-no-such-program").has_value());
  EXPECT_FALSE(FindProgram("/etc/passwd").has_value());  // not executable
}

TEST(SubprocessTest, ExecReplaceRunsTheProgramInThisProcess) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      ExecReplace({"/bin/sh", "-c", "[ \"$NEDLIA_EXEC_TEST\" = yes ] && exit 5"},
                  {{"NEDLIA_EXEC_TEST", "yes"}});
    } catch (...) {
    }
    ::_exit(99);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 5);
}

TEST(SubprocessTest, ExecReplaceOfAMissingProgramThrowsAndReturnsControl) {
  EXPECT_THROW(ExecReplace({"nedlia-no-such-program"}), std::system_error);
}

}  // namespace
}  // namespace nedlia::process
