#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace nedlia::cli {

/// A one-line progress bar redrawn in place on a terminal; silent when the stream is not one
/// (a pipe, a log file), so scripted runs print only their results.
class ProgressBar {
 public:
  explicit ProgressBar(std::FILE* stream = stderr);
  ~ProgressBar();
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  /// Shows `done` of `total` for `label`; redraws at most ten times a second, and always at the
  /// end of a label or when the label changes.
  void Update(const std::string& label, long done, long total);
  /// Ends the line, so that what is printed next starts on its own.
  void Finish();

 private:
  std::FILE* stream_;
  bool enabled_;
  bool drawn_ = false;
  std::string label_;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace nedlia::cli
