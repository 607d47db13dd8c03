#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "process/subprocess.hpp"

namespace nedlia::testing {

/// A real server program for one test, on a free loopback port with a fresh data directory of
/// its own (removed afterwards), started at construction and ready once its port accepts.
class LoopbackServer {
 public:
  /// The program's command line for a port and a data directory.
  using Command = std::function<std::vector<std::string>(int port, const std::string& dir)>;

  /// `name` appears in the data directory's name and in errors; `stop_signal` is the one the
  /// program exits cleanly on.
  LoopbackServer(std::string name, Command command, int stop_signal);
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;
  ~LoopbackServer();

  int Port() const { return port_; }
  /// Stops it (an outage) and starts it again on the same port and data.
  void Stop();
  /// Throws when its port does not accept within 30 s.
  void Start();

 private:
  std::string name_;
  Command command_;
  int stop_signal_;
  int port_;
  std::filesystem::path dir_;
  std::optional<process::Subprocess> server_;
};

}  // namespace nedlia::testing
