#include "pg/shared_reader.hpp"

#include <algorithm>
#include <utility>

#include "pg/errors.hpp"
#include "pg/pool.hpp"
#include "process/fiber.hpp"

namespace nedlia::pg {
namespace {

// How long a lane waits for a batch's answers beyond the statement timeout, after which the
// server (or the network) counts as gone: the server cancels a statement itself before that.
constexpr std::chrono::seconds kAnswerGrace{5};
// Without a statement timeout, the wait for an answer is still bounded.
constexpr std::chrono::minutes kAnswerWithoutTimeout{5};

}  // namespace

SharedReader::SharedReader(SharedReaderOptions options) : options_(std::move(options)) {
  const std::size_t lanes = std::max<std::size_t>(options_.lanes, 1);
  lanes_.reserve(lanes);
  for (std::size_t lane = 0; lane < lanes; ++lane)
    lanes_.emplace_back([this] { RunLane(); });
}

SharedReader::~SharedReader() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const std::shared_ptr<Pending>& pending : queue_) {
      pending->error = std::make_exception_ptr(
          ConnectionLost(ClientError("the shared database reader is stopping")));
      pending->done = true;
      pending->answered.notify_one();
      if (pending->wake)
        std::exchange(pending->wake, nullptr)();
    }
    queue_.clear();
  }
  work_.notify_all();
  for (std::thread& lane : lanes_)
    lane.join();
}

Result SharedReader::Execute(const Statement& statement, const Params& params,
                             Clock::time_point deadline) {
  auto pending = std::make_shared<Pending>();
  if (statement.name.empty()) {
    pending->unnamed_sql = statement.sql;  // the caller's text may go before a lane sends it
    pending->statement = Statement{.name = {}, .sql = pending->unnamed_sql};
  } else {
    pending->statement = statement;  // named statements are constants
  }
  pending->params = params;
  if (process::OnEventLoop())
    return AwaitOnLoop(pending, deadline);
  std::unique_lock lock(mutex_);
  if (stopping_)
    throw ConnectionLost(ClientError("the shared database reader is stopping"));
  queue_.push_back(pending);
  if (idle_lanes_ > 0) {
    // Notified with the lock released: a lane woken under it would at once wait for it again,
    // a second context switch.
    lock.unlock();
    work_.notify_one();
    lock.lock();
  }
  pending->answered.wait_until(lock, deadline, [&] { return pending->done; });
  return Collect(pending);
}

// A request's fiber waits with its event loop free: the lane wakes the fiber, not a thread.
Result SharedReader::AwaitOnLoop(const std::shared_ptr<Pending>& pending,
                                 Clock::time_point deadline) {
  process::AwaitOnLoop(
      [&](std::function<void()> wake) {
        std::unique_lock lock(mutex_);
        if (stopping_) {
          pending->error = std::make_exception_ptr(
              ConnectionLost(ClientError("the shared database reader is stopping")));
          pending->done = true;
          lock.unlock();
          wake();
          return;
        }
        pending->wake = std::move(wake);
        queue_.push_back(pending);
        if (idle_lanes_ > 0) {
          lock.unlock();
          work_.notify_one();
        }
      },
      deadline);
  const std::lock_guard lock(mutex_);
  return Collect(pending);
}

// Under the lock, once the caller waits no longer: its answer, or why there is none.
Result SharedReader::Collect(const std::shared_ptr<Pending>& pending) {
  if (!pending->done) {
    // Given up at the deadline: a statement still queued need not run at all.
    const auto queued = std::find(queue_.begin(), queue_.end(), pending);
    if (queued != queue_.end())
      queue_.erase(queued);
    throw QueryCanceled(ClientError("the database did not answer in time"));
  }
  if (pending->error)
    std::rethrow_exception(pending->error);
  return std::move(*pending->result);
}

SharedReader::Stats SharedReader::Totals() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

void SharedReader::RunLane() {
  std::optional<Connection> connection;
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_lanes_;
    work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    --idle_lanes_;
    if (stopping_)
      return;
    Batch batch;
    const std::size_t take = std::min(queue_.size(), std::max<std::size_t>(options_.max_batch, 1));
    batch.assign(std::make_move_iterator(queue_.begin()),
                 std::make_move_iterator(queue_.begin() + static_cast<std::ptrdiff_t>(take)));
    queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(take));
    ++stats_.batches;
    lock.unlock();
    RunBatch(connection, batch);
    lock.lock();
  }
}

void SharedReader::RunBatch(std::optional<Connection>& connection, Batch& batch) {
  const Clock::duration answer_window =
      options_.statement_timeout.count() > 0
          ? Clock::duration(options_.statement_timeout) + kAnswerGrace
          : Clock::duration(kAnswerWithoutTimeout);
  std::size_t answered = 0;  // batch[0, answered) have their outcome
  bool retried = false;
  while (answered < batch.size()) {
    bool fresh = false;
    try {
      // As the pool does, a connection whose server no longer takes writes (a failover) is
      // not used again: the primary's data is read on the primary.
      if (!connection || !connection->IsAlive() || connection->ServerIsReadOnly()) {
        connection.reset();
        connection.emplace(Open());
        fresh = true;
      }
      std::vector<BatchStatement> statements;
      statements.reserve(batch.size() - answered);
      for (std::size_t i = answered; i < batch.size(); ++i)
        statements.push_back({&batch[i]->statement, &batch[i]->params});
      const std::size_t first = answered;
      // A statement's error ends its round trip: those after it go again in the next.
      connection->ExecuteEach(
          statements,
          [&](std::size_t index, Result* result, std::exception_ptr error) {
            Deliver(*batch[first + index], result, std::move(error));
            answered = first + index + 1;
          },
          Clock::now() + answer_window);
      if (answered == first)  // never so; but a batch that stalled would spin here for good
        throw ConnectionLost(ClientError("the database skipped every statement of a batch"));
    } catch (const ConnectionLost&) {
      connection.reset();
      // A connection that was fine before this batch may have died since (the server
      // restarted): reads run again, once, on a new one.
      if (!fresh && !retried) {
        retried = true;
        continue;
      }
      FailFrom(batch, answered);
      return;
    } catch (...) {
      connection.reset();
      FailFrom(batch, answered);
      return;
    }
  }
}

// Hands the error being handled to batch[first, end), after it broke the round trip.
void SharedReader::FailFrom(Batch& batch, std::size_t first) {
  for (std::size_t i = first; i < batch.size(); ++i)
    Deliver(*batch[i], nullptr, std::current_exception());
}

// As the requests' pool opens its connections: on the primary, with the statement timeout.
Connection SharedReader::Open() const {
  return OpenAsPool({.url = options_.url,
                     .connect_timeout = options_.connect_timeout,
                     .statement_timeout = options_.statement_timeout,
                     .target = TargetSession::kReadWrite});
}

// The batch keeps `pending` alive, so it is notified after the lock is released (see Execute).
void SharedReader::Deliver(Pending& pending, Result* result, std::exception_ptr error) {
  std::function<void()> wake;
  {
    const std::lock_guard lock(mutex_);
    wake = std::move(pending.wake);
    if (result != nullptr) {
      pending.result.emplace(std::move(*result));
    } else {
      pending.error = std::move(error);
    }
    pending.done = true;
    ++stats_.statements;
  }
  if (wake) {
    wake();
  } else {
    pending.answered.notify_one();
  }
}

}  // namespace nedlia::pg
