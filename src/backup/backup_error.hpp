#pragma once

#include <stdexcept>

namespace nedlia::backup {

/// A backup operation that cannot go on: a corrupt or missing backup, a failed tool, a refused
/// target. what() is one line saying what is wrong (and, where it can, what to do).
class BackupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace nedlia::backup
