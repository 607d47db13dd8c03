#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>

namespace nedlia::process {

/// Where a fiber lives: the event loop it starts on, which must never block, and the threads
/// it may move to when it has to. Implemented by the event loop's owner.
class FiberHost {
 public:
  using Clock = std::chrono::steady_clock;

  virtual ~FiberHost() = default;
  /// Runs `task` on the fiber's event loop, soon. Called from any thread.
  virtual void Post(std::function<void()> task) = 0;
  /// Runs `task` on the event loop at `at`, unless the returned token is released first (on
  /// the event loop).
  virtual std::shared_ptr<void> PostAt(Clock::time_point at, std::function<void()> task) = 0;
  /// Runs `task` on a thread that may block; false, with `task` dropped, when none can take it.
  virtual bool PostToBlockingThread(std::function<void()> task) = 0;
};

/// Raised by LeaveEventLoop when no thread is free to take the fiber: the server is at
/// capacity.
class NoBlockingThread : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Runs `body` on a stack of its own, starting at once on this thread (the host's event loop),
/// until it ends or waits. A fiber lets a request's code, written to block, wait for the
/// database without holding a thread: a thread wake-up per hand-off cost more than the request
/// itself on virtual machines. While on its loop, the body may wait with AwaitOnLoop (the loop
/// runs other work meanwhile); anything else that would block calls LeaveEventLoop first, which
/// moves the fiber to a blocking thread for the rest of its life. `body` must not throw, and
/// must not wait while it holds a lock, or inside a catch block (the C++ runtime keeps the
/// exception being handled per thread), and a function that calls LeaveEventLoop must not use
/// what it read of its thread before (pthread_self(), a thread_local's address): compilers may
/// read those once per function.
void StartFiber(std::unique_ptr<FiberHost> host, std::function<void()> body);

/// True when this code runs in a fiber on its event loop, where blocking stalls every
/// connection of the loop.
bool OnEventLoop();

/// Waits, with the event loop free, until the `wake` handed to `arm` is called (from any thread,
/// any number of times: the first counts) or `deadline` passes. True when woken. Only when
/// OnEventLoop(); `arm` runs on the loop once the fiber is suspended.
bool AwaitOnLoop(const std::function<void(std::function<void()> wake)>& arm,
                 FiberHost::Clock::time_point deadline);

/// When OnEventLoop(), moves the fiber to a thread that may block, for good, and returns there;
/// throws NoBlockingThread when none is free. Elsewhere does nothing.
void LeaveEventLoop();

}  // namespace nedlia::process
