#include "support/background_process.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>

#include "support/process_output.hpp"

namespace nedlia::testing {

BackgroundProcess::BackgroundProcess(const std::string& name, const std::vector<std::string>& argv,
                                     const process::Environment& environment)
    : log_(std::filesystem::temp_directory_path() /
           (name + "-" + std::to_string(::getpid()) + ".log")) {
  std::filesystem::remove(log_);
  std::vector<std::string> shell{"/bin/sh", "-c", "exec \"$@\" >\"$0\" 2>&1", log_.string()};
  shell.insert(shell.end(), argv.begin(), argv.end());
  process::RunOptions options;
  options.environment = environment;
  options.output = process::Output::kDiscard;
  child_.emplace(process::Subprocess::Start(shell, options));
}

BackgroundProcess::~BackgroundProcess() {
  Stop();
  std::filesystem::remove(log_);
}

std::string BackgroundProcess::Log() const {
  return ReadWholeFile(log_);
}

std::string BackgroundProcess::Await(const std::string& prefix) const {
  return AwaitAfterPrefix([this] { return Log(); }, prefix);
}

int BackgroundProcess::Stop() {
  if (!child_)
    return 0;
  ::kill(child_->Pid(), SIGTERM);
  const int code = child_->Wait(std::chrono::seconds(15)).exit_code;
  child_.reset();
  return code;
}

}  // namespace nedlia::testing
