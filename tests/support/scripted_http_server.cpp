#include "support/scripted_http_server.hpp"

#include <stdexcept>

#include "http/server.hpp"

namespace nedlia::testing {

ScriptedHttpServer::ScriptedHttpServer(Script script, const std::string& host)
    : host_(host), script_(std::move(script)) {
  if (!host_.starts_with("127."))
    throw std::invalid_argument("ScriptedHttpServer listens on loopback only, not " + host_);
  server_ = std::make_unique<http::Server>(
      http::ServerOptions{.host = host_,
                          .port = 0,
                          .max_body_bytes = std::size_t{64} * 1024 * 1024,
                          .shutdown_grace = std::chrono::seconds(2)},
      [this](http::Request& request) {
        std::lock_guard lock(mutex_);
        received_.push_back(std::string(http::MethodName(request.method)) + " " + request.target);
        return script_(request);
      });
  server_->Start();
  thread_ = std::thread([this] { server_->Run(); });
}

ScriptedHttpServer::~ScriptedHttpServer() {
  server_->Stop();
  thread_.join();
}

std::string ScriptedHttpServer::Url() const {
  return "http://" + host_ + ":" + std::to_string(server_->Port());
}

std::vector<std::string> ScriptedHttpServer::Received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

}  // namespace nedlia::testing
