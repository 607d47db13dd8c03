#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "process/subprocess.hpp"

namespace nedlia::testing {

/// A program started in the background with its output in a file, stopped (SIGTERM) when
/// destroyed.
class BackgroundProcess {
 public:
  BackgroundProcess(const std::string& name, const std::vector<std::string>& argv,
                    const process::Environment& environment);
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  BackgroundProcess(BackgroundProcess&&) = delete;
  BackgroundProcess& operator=(BackgroundProcess&&) = delete;
  ~BackgroundProcess();

  /// Everything it printed so far, standard output and error together.
  std::string Log() const;
  /// What follows `prefix` on its line, once the program printed it (30 s at most; empty if
  /// it never did).
  std::string Await(const std::string& prefix) const;
  /// SIGTERM, then its exit code (0 if it was stopped before).
  int Stop();

 private:
  std::filesystem::path log_;
  std::optional<process::Subprocess> child_;
};

}  // namespace nedlia::testing
