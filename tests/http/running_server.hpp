#pragma once
// A real server on a loopback port, run on a thread of its own, for the HTTP tests.

#include <string>
#include <thread>
#include <utility>

#include "http/server.hpp"

namespace nedlia::http::testing {

/// The defaults, on an ephemeral port.
inline ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  return options;
}

/// A started server running on its own thread; stopped and joined when destroyed.
class RunningServer {
 public:
  RunningServer(ServerOptions options, Handler handler)
      : server_(std::move(options), std::move(handler)) {
    server_.Start();
    runner_ = std::thread([this] { server_.Run(); });
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  RunningServer(RunningServer&&) = delete;
  RunningServer& operator=(RunningServer&&) = delete;
  ~RunningServer() {
    server_.Stop();
    Join();
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.Port()) + path;
  }
  std::uint16_t Port() const { return server_.Port(); }
  Server& Get() { return server_; }
  void Join() {
    if (runner_.joinable()) {
      runner_.join();
    }
  }

 private:
  Server server_;
  std::thread runner_;
};

}  // namespace nedlia::http::testing
