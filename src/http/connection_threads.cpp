#include "http/connection_threads.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <system_error>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace nedlia::http {

namespace asio = boost::asio;

std::shared_ptr<asio::io_context> ConnectionThreads::NewLoop() {
  return std::make_shared<asio::io_context>(1);  // one thread: no locking inside
}

void ConnectionThreads::Start(std::shared_ptr<asio::io_context> loop, asio::ip::tcp::socket socket,
                              SessionContext context) {
  asio::co_spawn(*loop, ServeConnection(context, std::move(socket)), asio::detached);
  std::uint64_t id = 0;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    running_.emplace(id, loop);
  }
  // Detached, and accounted for in running_: WaitAll (and the destructor) wait for it.
  try {
    std::thread([this, id, loop = std::move(loop)]() mutable {
      try {
        loop->run();
      } catch (const std::exception& error) {
        spdlog::error("connection thread failed: {}", error.what());
      }
      loop.reset();  // with it goes what an abandoned session left, before anyone may wait
      Finished(id);
    }).detach();
  } catch (const std::system_error&) {
    std::lock_guard lock(mutex_);
    running_.erase(id);
    throw;
  }
}

void ConnectionThreads::Finished(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  running_.erase(id);
  all_done_.notify_all();  // under the lock: the waiter cannot destroy us before we are done
}

void ConnectionThreads::StopAll() {
  std::lock_guard lock(mutex_);
  for (auto& [id, weak] : running_) {
    if (const auto loop = weak.lock())
      loop->stop();
  }
}

void ConnectionThreads::WaitAll() {
  std::unique_lock lock(mutex_);
  all_done_.wait(lock, [this] { return running_.empty(); });
}

}  // namespace nedlia::http
