#include "process/fiber.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/context/stack_context.hpp>

#include "process/log_context.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define NEDLIA_FIBER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NEDLIA_FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define NEDLIA_FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NEDLIA_FIBER_TSAN 1
#endif
#endif
#ifdef NEDLIA_FIBER_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#ifdef NEDLIA_FIBER_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

namespace nedlia::process {
namespace {

namespace context = boost::context;

#ifdef NEDLIA_FIBER_ASAN
constexpr std::size_t kStackSize = std::size_t{1024} * 1024;  // sanitized frames are larger
#else
constexpr std::size_t kStackSize = std::size_t{256} * 1024;
#endif
// Stacks kept for reuse: a fresh one costs system calls and page faults.
constexpr std::size_t kStacksKept = 256;

/// Stacks with a guard page below them (an overflow faults instead of corrupting memory),
/// reused across fibers.
class StackPool {
 public:
  context::stack_context Take() {
    {
      const std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        context::stack_context stack = free_.back();
        free_.pop_back();
        return stack;
      }
    }
    return context::protected_fixedsize_stack(kStackSize).allocate();
  }

  void Give(context::stack_context& stack) noexcept {
#ifdef NEDLIA_FIBER_ASAN
    // Frames that ended without returning (the switch out) leave their poison behind.
    ASAN_UNPOISON_MEMORY_REGION(static_cast<char*>(stack.sp) - stack.size, stack.size);
#endif
    {
      const std::lock_guard lock(mutex_);
      if (free_.size() < kStacksKept) {
        free_.push_back(stack);
        return;
      }
    }
    context::protected_fixedsize_stack(kStackSize).deallocate(stack);
  }

 private:
  std::mutex mutex_;
  std::vector<context::stack_context> free_;
};

StackPool& Stacks() {
  static auto* stacks = new StackPool;  // never destroyed: a fiber may end while the process exits
  return *stacks;
}

/// Fibers abandoned while suspended, kept (reachable) for the rest of the process: see ~Fiber.
struct AbandonedFibers {
  std::mutex mutex;
  std::vector<std::unique_ptr<context::fiber>> fibers;

  void Keep(context::fiber fiber, const context::stack_context& stack) {
#ifdef NEDLIA_FIBER_ASAN
    // What its frames point to is in use, not leaked.
    __lsan_register_root_region(static_cast<char*>(stack.sp) - stack.size, stack.size);
#else
    (void)stack;
#endif
    const std::lock_guard lock(mutex);
    fibers.push_back(std::make_unique<context::fiber>(std::move(fiber)));
  }
};

AbandonedFibers& Abandoned() {
  static auto* abandoned = new AbandonedFibers;  // never destroyed, as what it keeps
  return *abandoned;
}

class Fiber;
thread_local Fiber* current = nullptr;

/// Boost.Context's stack allocator concept, over the pool; remembers the stack for the
/// sanitizer's bookkeeping.
struct PooledStack {
  context::stack_context* taken;

  // The concept's names.
  context::stack_context allocate() {  // NOLINT(readability-identifier-naming)
    *taken = Stacks().Take();
    return *taken;
  }
  void deallocate(  // NOLINT(readability-identifier-naming)
      context::stack_context& stack) noexcept {
    Stacks().Give(stack);
  }
};

class Fiber : public std::enable_shared_from_this<Fiber> {
 public:
  Fiber(std::unique_ptr<FiberHost> host, std::function<void()> body)
      : host_(std::move(host)), body_(std::move(body)) {
    log_.component = "http";
#ifdef NEDLIA_FIBER_TSAN
    tsan_fiber_ = __tsan_create_fiber(0);
#endif
    self_ = context::fiber(std::allocator_arg, PooledStack{&stack_},
                           [this](context::fiber&& caller) { return Main(std::move(caller)); });
  }
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  ~Fiber() {
#ifdef NEDLIA_FIBER_TSAN
    if (!self_)
      __tsan_destroy_fiber(tsan_fiber_);
#endif
    if (self_) {
      // Suspended, and nothing will resume it: its loop is gone (a request abandoned at
      // shutdown). Destroying it would unwind its frames here, through handlers that catch
      // everything and then answer on the loop that is gone: it is kept as it is instead.
      spdlog::warn("a request waiting on an event loop was abandoned");
      Abandoned().Keep(std::move(self_), stack_);
    }
  }

  /// Runs the fiber on this thread until it ends or waits; then does what it asked for once
  /// suspended.
  void Resume() {
    Fiber* const outer = std::exchange(current, this);
    std::swap(ThisThreadLog(), log_);
#ifdef NEDLIA_FIBER_ASAN
    void* fake_stack = nullptr;
    __sanitizer_start_switch_fiber(&fake_stack, static_cast<char*>(stack_.sp) - stack_.size,
                                   stack_.size);
#endif
#ifdef NEDLIA_FIBER_TSAN
    tsan_caller_ = __tsan_get_current_fiber();
    __tsan_switch_to_fiber(tsan_fiber_, 0);  // 0: the switch orders what runs on either side
#endif
    self_ = std::move(self_).resume();
#ifdef NEDLIA_FIBER_ASAN
    __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
#endif
    std::swap(ThisThreadLog(), log_);
    current = outer;
    if (self_) {
      std::function<void()> then = std::exchange(then_, nullptr);
      then();
    }
  }

  /// Inside: suspends, leaving `then` to run on the resuming thread once the switch is done
  /// (so that whatever wakes the fiber cannot find it still running).
  void SwitchOut(std::function<void()> then) {
    then_ = std::move(then);
    LeaveStack(false);
    caller_ = std::move(caller_).resume();
    Landed();
  }

  FiberHost& Host() {
    return *host_;
  }
  bool on_loop = true;

 private:
  context::fiber Main(context::fiber&& caller) {
    caller_ = std::move(caller);
    Landed();
    body_();
    body_ = nullptr;  // its captures go while the fiber still runs
    LeaveStack(true);
    return std::move(caller_);
  }

#ifdef NEDLIA_FIBER_ASAN
  void Landed() {
    __sanitizer_finish_switch_fiber(fake_stack_, &caller_bottom_, &caller_size_);
  }
  void LeaveStack(bool ending) {
    TsanLeave();
    __sanitizer_start_switch_fiber(ending ? nullptr : &fake_stack_, caller_bottom_, caller_size_);
  }
  void* fake_stack_ = nullptr;
  const void* caller_bottom_ = nullptr;
  std::size_t caller_size_ = 0;
#else
  void Landed() {}
  void LeaveStack(bool /*ending*/) {
    TsanLeave();
  }
#endif
#ifdef NEDLIA_FIBER_TSAN
  void TsanLeave() {
    __tsan_switch_to_fiber(tsan_caller_, 0);
  }
  void* tsan_fiber_ = nullptr;
  void* tsan_caller_ = nullptr;
#else
  void TsanLeave() {}
#endif

  std::unique_ptr<FiberHost> host_;
  std::function<void()> body_;
  std::function<void()> then_;
  LogContext log_;
  context::stack_context stack_;
  context::fiber self_;    ///< the fiber, while it does not run
  context::fiber caller_;  ///< while it runs: where it returns to
};

/// A wait's outcome, settled once by whichever comes first: the wake-up or the deadline.
struct Wait {
  std::atomic<bool> settled{false};
  bool woken = false;
};

}  // namespace

void StartFiber(std::unique_ptr<FiberHost> host, std::function<void()> body) {
  auto fiber = std::make_shared<Fiber>(std::move(host), std::move(body));
  fiber->Resume();
}

bool OnEventLoop() {
  return current != nullptr && current->on_loop;
}

bool AwaitOnLoop(const std::function<void(std::function<void()> wake)>& arm,
                 FiberHost::Clock::time_point deadline) {
  if (!OnEventLoop())
    throw std::logic_error("AwaitOnLoop outside a fiber on an event loop");
  Fiber& fiber = *current;
  auto wait = std::make_shared<Wait>();
  std::shared_ptr<void> timer;
  fiber.SwitchOut([self = fiber.shared_from_this(), wait, &arm, &timer, deadline] {
    const auto settle = [self, wait](bool woken) {
      if (wait->settled.exchange(true))
        return;
      wait->woken = woken;
      self->Host().Post([self] { self->Resume(); });
    };
    timer = self->Host().PostAt(deadline, [settle] { settle(false); });
    arm([settle] { settle(true); });
  });
  timer.reset();  // back on the loop: a deadline still pending is cancelled
  return wait->woken;
}

void LeaveEventLoop() {
  if (!OnEventLoop())
    return;
  Fiber& fiber = *current;
  bool moved = false;
  fiber.SwitchOut([self = fiber.shared_from_this(), &moved] {
    // Both set before posting: the fiber may run on its new thread before the post returns.
    self->on_loop = false;
    moved = true;
    if (!self->Host().PostToBlockingThread([self] { self->Resume(); })) {
      self->on_loop = true;
      moved = false;
      self->Resume();  // back into the fiber, on the loop, to fail there
    }
  });
  if (!moved)
    throw NoBlockingThread("no thread is free to wait for the database");
}

}  // namespace nedlia::process
