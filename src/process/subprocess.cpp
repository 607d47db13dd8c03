#include "process/subprocess.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;  // NOLINT(readability-identifier-naming): POSIX's name

namespace nedlia::process {
namespace {

using Clock = std::chrono::steady_clock;

// What the child tells the parent, through a close-on-exec pipe, when it fails before exec.
enum class ChildStage : int { kStdio, kUser, kWorkingDir, kExec };

struct ChildFailure {
  ChildStage stage;
  int error;
};

// Everything the child needs, prepared before fork: after fork only async-signal-safe calls
// are allowed, because other threads may have held malloc's or stdio's locks.
struct ChildPlan {
  std::string program;
  std::vector<std::string> argv;
  std::vector<std::string> environment;
  std::optional<UserIdentity> user;
  std::optional<std::filesystem::path> working_dir;
  Output output = Output::kCapture;
};

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (auto& s : strings) {
    pointers.push_back(s.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// The inherited environment with `additions` applied (an addition replaces a variable of the
// same name).
std::vector<std::string> MergedEnvironment(const Environment& additions) {
  std::vector<std::string> merged;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::string_view name = text.substr(0, text.find('='));
    const bool replaced = std::any_of(additions.begin(), additions.end(),
                                      [&](const auto& addition) { return addition.first == name; });
    if (!replaced) {
      merged.emplace_back(text);
    }
  }
  for (const auto& [name, value] : additions) {
    merged.push_back(name);
    merged.back().append("=").append(value);
  }
  return merged;
}

void CloseFd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
  }
  fd = -1;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return 1;
}

[[noreturn]] void FailInChild(int status_fd, ChildStage stage) {
  const ChildFailure failure{stage, errno};
  [[maybe_unused]] const auto written = ::write(status_fd, &failure, sizeof failure);
  ::_exit(127);
}

void SetUpStdio(const ChildPlan& plan, int output_write_fd, int status_fd) {
  if (plan.output == Output::kInherit) {
    return;
  }
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);  // dup2 clears it on 0-2
  const int out_fd = plan.output == Output::kCapture ? output_write_fd : null_fd;
  if (null_fd < 0 || ::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(out_fd, STDOUT_FILENO) < 0 ||
      ::dup2(out_fd, STDERR_FILENO) < 0) {
    FailInChild(status_fd, ChildStage::kStdio);
  }
}

void SwitchUser(const UserIdentity& user, int status_fd) {
  if (::setgroups(user.groups.size(), user.groups.data()) != 0 || ::setgid(user.gid) != 0 ||
      ::setuid(user.uid) != 0) {
    FailInChild(status_fd, ChildStage::kUser);
  }
}

// Runs in the forked child: only async-signal-safe calls from here on.
[[noreturn]] void RunChild(ChildPlan& plan, char* const* argv, char* const* envp,
                           int output_write_fd, int status_fd) {
  sigset_t all_unblocked;
  sigemptyset(&all_unblocked);
  sigprocmask(SIG_SETMASK, &all_unblocked, nullptr);
  // An ignored SIGPIPE survives exec and would silently change how the child fails.
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigaction(SIGPIPE, &default_action, nullptr);

  SetUpStdio(plan, output_write_fd, status_fd);
  if (plan.user) {
    SwitchUser(*plan.user, status_fd);
  }
  if (plan.working_dir && ::chdir(plan.working_dir->c_str()) != 0) {
    FailInChild(status_fd, ChildStage::kWorkingDir);
  }
  // Descriptors some other thread opened without O_CLOEXEC (a lock file, a socket) must not
  // leak into a long-lived child such as the postmaster.
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  ::execve(plan.program.c_str(), argv, envp);
  FailInChild(status_fd, ChildStage::kExec);
}

std::string FailureText(const ChildPlan& plan, ChildStage stage) {
  const std::string program = "'" + plan.argv.front() + "'";
  switch (stage) {
    case ChildStage::kStdio:
      return "cannot set up the standard streams of " + program;
    case ChildStage::kUser:
      return "cannot run " + program + " as OS user '" + plan.user->name + "'";
    case ChildStage::kWorkingDir:
      return "cannot run " + program + " in " + plan.working_dir->string();
    case ChildStage::kExec:
      break;
  }
  return "cannot run " + program;
}

ChildPlan MakePlan(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty()) {
    throw std::invalid_argument("process::Subprocess: empty argv");
  }
  ChildPlan plan;
  auto program = FindProgram(argv.front());
  if (!program) {
    const bool in_path = argv.front().find('/') == std::string::npos;
    throw std::system_error(
        ENOENT, std::generic_category(),
        "cannot run '" + argv.front() + "'" + (in_path ? " (not in PATH)" : ""));
  }
  plan.program = program->string();
  plan.argv = argv;
  plan.output = options.output;
  plan.working_dir = options.working_dir;
  Environment additions;
  if (options.user) {
    plan.user = LookupUser(*options.user);
    // The caller's home is usually not readable by the other user.
    if (!plan.working_dir) {
      plan.working_dir = "/";
    }
    additions = {{"HOME", plan.user->home.string()},
                 {"USER", plan.user->name},
                 {"LOGNAME", plan.user->name}};
  }
  additions.insert(additions.end(), options.environment.begin(), options.environment.end());
  plan.environment = MergedEnvironment(additions);
  return plan;
}

void MakePipe(int (&fds)[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "cannot create a pipe");
  }
}

}  // namespace

Subprocess Subprocess::Start(const std::vector<std::string>& argv, const RunOptions& options) {
  ChildPlan plan = MakePlan(argv, options);
  std::vector<char*> child_argv = CStrings(plan.argv);
  std::vector<char*> child_envp = CStrings(plan.environment);

  int status_pipe[2];
  int output_pipe[2] = {-1, -1};
  MakePipe(status_pipe);
  if (options.output == Output::kCapture) {
    try {
      MakePipe(output_pipe);
    } catch (...) {
      CloseFd(status_pipe[0]);
      CloseFd(status_pipe[1]);
      throw;
    }
  }

  const pid_t pid = ::fork();
  if (pid == 0) {
    RunChild(plan, child_argv.data(), child_envp.data(), output_pipe[1], status_pipe[1]);
  }
  const int fork_error = errno;
  CloseFd(status_pipe[1]);
  CloseFd(output_pipe[1]);
  if (pid < 0) {
    CloseFd(status_pipe[0]);
    CloseFd(output_pipe[0]);
    throw std::system_error(fork_error, std::generic_category(),
                            FailureText(plan, ChildStage::kExec));
  }
  // Wrap at once: from here on the destructor reaps the child whatever happens.
  Subprocess child(pid, output_pipe[0]);

  // The status pipe closes on a successful exec; before that the child reports a failure.
  ChildFailure failure{};
  ssize_t got = 0;
  do {
    got = ::read(status_pipe[0], &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  CloseFd(status_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof failure)) {
    child.Wait();
    throw std::system_error(failure.error, std::generic_category(),
                            FailureText(plan, failure.stage));
  }
  if (child.output_fd_ >= 0) {
    ::fcntl(child.output_fd_, F_SETFL, ::fcntl(child.output_fd_, F_GETFL) | O_NONBLOCK);
  }
  return child;
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), output_fd_(std::exchange(other.output_fd_, -1)) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    pid_ = std::exchange(other.pid_, -1);
    output_fd_ = std::exchange(other.output_fd_, -1);
  }
  return *this;
}

Subprocess::~Subprocess() {
  KillAndReap();
}

void Subprocess::KillAndReap() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
  CloseFd(output_fd_);
}

namespace {

// Appends what is readable now; returns false at end of file (the last writer closed it).
bool DrainAvailable(int fd, std::string& output) {
  char buffer[8192];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got > 0) {
      output.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0) {
      return false;
    } else if (errno != EINTR) {
      return errno == EAGAIN || errno == EWOULDBLOCK;
    }
  }
}

int MillisecondsUntil(Clock::time_point deadline, int cap) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::clamp<long long>(left.count() + 1, 0, cap));
}

}  // namespace

RunResult Subprocess::Wait(std::chrono::milliseconds timeout) {
  RunResult result;
  if (pid_ <= 0) {
    return result;
  }
  const bool limited = timeout > std::chrono::milliseconds::zero();
  const auto deadline = limited ? Clock::now() + timeout : Clock::time_point::max();
  int status = 0;
  while (true) {
    if (output_fd_ >= 0) {
      // A grandchild (a daemon the child started) may keep the pipe open after the child
      // exits, so end of file alone never ends the wait: the child's exit does.
      pollfd readable{output_fd_, POLLIN, 0};
      ::poll(&readable, 1, MillisecondsUntil(deadline, 50));
      if (!DrainAvailable(output_fd_, result.output)) {
        CloseFd(output_fd_);
      }
    } else if (!limited) {
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(MillisecondsUntil(deadline, 5)));
    }
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      break;
    }
    if (Clock::now() >= deadline) {
      result.timed_out = true;
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
  }
  pid_ = -1;
  if (output_fd_ >= 0) {
    DrainAvailable(output_fd_, result.output);
  }
  CloseFd(output_fd_);
  result.exit_code = ExitCodeOf(status);
  return result;
}

RunResult Run(const std::vector<std::string>& argv, const RunOptions& options) {
  return Subprocess::Start(argv, options).Wait(options.timeout);
}

void ExecReplace(const std::vector<std::string>& argv, const Environment& environment) {
  RunOptions options;
  options.environment = environment;
  ChildPlan plan = MakePlan(argv, options);
  std::vector<char*> exec_argv = CStrings(plan.argv);
  std::vector<char*> exec_envp = CStrings(plan.environment);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  ::execve(plan.program.c_str(), exec_argv.data(), exec_envp.data());
  throw std::system_error(errno, std::generic_category(), FailureText(plan, ChildStage::kExec));
}

std::optional<std::filesystem::path> FindProgram(std::string_view name) {
  const auto is_executable = [](const std::filesystem::path& candidate) {
    std::error_code ignored;
    return std::filesystem::is_regular_file(candidate, ignored) &&
           ::access(candidate.c_str(), X_OK) == 0;
  };
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string_view::npos) {
    if (is_executable(name)) {
      return std::filesystem::path(name);
    }
    return std::nullopt;
  }
  const char* path_variable = std::getenv("PATH");
  std::string_view search =
      path_variable != nullptr ? path_variable : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    const std::size_t colon = search.find(':');
    const std::string_view dir = search.substr(0, colon);
    const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (is_executable(candidate)) {
      return candidate;
    }
    if (colon == std::string_view::npos) {
      return std::nullopt;
    }
    search.remove_prefix(colon + 1);
  }
}

UserIdentity LookupUser(const std::string& name) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  int error = 0;
  while ((error = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
         ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (found == nullptr) {
    throw std::runtime_error("there is no OS user '" + name + "'" +
                             (error != 0 ? std::string(": ") + std::strerror(error) : ""));
  }
  UserIdentity user{name, entry.pw_uid, entry.pw_gid, {}, entry.pw_dir};
  int count = 32;
  user.groups.resize(static_cast<std::size_t>(count));
  while (::getgrouplist(name.c_str(), user.gid, user.groups.data(), &count) < 0) {
    user.groups.resize(static_cast<std::size_t>(count) * 2);
    count = static_cast<int>(user.groups.size());
  }
  user.groups.resize(static_cast<std::size_t>(count));
  return user;
}

std::string UserName(uid_t uid) {
  std::vector<char> buffer(16384);
  passwd entry{};
  passwd* found = nullptr;
  ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found);
  return found != nullptr ? found->pw_name : "uid " + std::to_string(uid);
}

}  // namespace nedlia::process
