#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nedlia::process {

/// Variables added to (or replacing those of) the inherited environment.
using Environment = std::vector<std::pair<std::string, std::string>>;

/// Where a child's standard streams go.
enum class Output {
  kCapture,  ///< stdout and stderr together into RunResult::output; stdin is /dev/null
  kInherit,  ///< the parent's stdin, stdout and stderr
  kDiscard,  ///< /dev/null for all three
};

/// An OS account, resolved from its name.
struct UserIdentity {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  ///< supplementary groups, the primary one included
  std::filesystem::path home;
};

/// How to run a child.
struct RunOptions {
  Environment environment;           ///< added to the inherited environment
  std::optional<std::string> user;   ///< run as this OS user (needs root), e.g. "postgres"
  Output output = Output::kCapture;  ///< where stdout and stderr go
  std::chrono::milliseconds timeout = std::chrono::milliseconds::zero();  ///< zero: no limit
  std::optional<std::filesystem::path> working_dir;  ///< default: ours, or "/" with `user`
};

/// How a child ended.
struct RunResult {
  int exit_code = 0;       ///< the exit status, or 128 + the signal that killed it
  bool timed_out = false;  ///< killed because it outlived RunOptions::timeout
  std::string output;      ///< stdout and stderr, interleaved (Output::kCapture only)

  bool Succeeded() const { return exit_code == 0 && !timed_out; }
};

/// A started child process (move-only). Destroying it before Wait() kills and reaps the child,
/// so no zombie and no pipe outlive it.
class Subprocess {
 public:
  /// Starts argv[0] (looked up in PATH unless it contains '/') with argv, without a shell.
  /// Throws std::system_error naming the program when it is missing or cannot be executed, or
  /// when switching to `options.user` fails.
  static Subprocess Start(const std::vector<std::string>& argv, const RunOptions& options = {});

  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  /// The child's process id, or -1 once it has been reaped.
  pid_t Pid() const { return pid_; }

  /// Collects the captured output until the child exits; past `timeout` (zero: none) the child
  /// is killed with SIGKILL and the result says timed_out.
  RunResult Wait(std::chrono::milliseconds timeout = std::chrono::milliseconds::zero());

 private:
  Subprocess(pid_t pid, int output_fd) : pid_(pid), output_fd_(output_fd) {}
  void KillAndReap() noexcept;

  pid_t pid_ = -1;
  int output_fd_ = -1;  ///< read end of the capture pipe, or -1
};

/// Runs a program to completion: Subprocess::Start then Wait(options.timeout).
RunResult Run(const std::vector<std::string>& argv, const RunOptions& options = {});

/// Replaces the current process with argv[0] (PATH lookup as in Start), flushing our buffered
/// output first. Returns only by throwing std::system_error naming the program.
[[noreturn]] void ExecReplace(const std::vector<std::string>& argv,
                              const Environment& environment = {});

/// The full path of an executable: `name` itself when it contains '/', else the first match
/// in PATH. std::nullopt when there is none.
std::optional<std::filesystem::path> FindProgram(std::string_view name);

/// Looks up an OS user by name; throws std::runtime_error when there is no such user.
UserIdentity LookupUser(const std::string& name);

/// The name of the OS user with this uid, or "uid N" when it has none.
std::string UserName(uid_t uid);

}  // namespace nedlia::process
