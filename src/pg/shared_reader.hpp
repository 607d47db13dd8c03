#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "pg/connection.hpp"

namespace nedlia::pg {

struct SharedReaderOptions {
  std::string url;
  /// Connections, each with a thread of its own sending what is queued.
  std::size_t lanes = 1;
  /// Statements sent in one write at most: their answers are small (reads by key).
  std::size_t max_batch = 32;
  std::chrono::seconds connect_timeout{5};
  /// Set on every connection (0: the server's default): a statement running longer is
  /// cancelled by the server, so that it cannot hold up the statements queued behind it.
  std::chrono::milliseconds statement_timeout{0};
};

/// Short reads from many threads over a few shared connections, pipelined. A backend woken
/// for each statement costs more than the statement itself where context switches are dear
/// (virtual machines): a GET by id spent twice the CPU of pgbench's same query in its backend.
/// Here each lane's thread takes whatever statements are queued, sends them in one write (each
/// statement with a snapshot of its own, so each sees what was committed when it ran, as in
/// autocommit), and hands each answer to its caller as it arrives: one backend wake-up for a
/// batch. A statement's error ends its batch's round trip, and the statements after it go again
/// in the next.
///
/// For reads by key only: a slow statement delays those sent after it on its lane (the
/// statement timeout bounds that). Reads are idempotent, so a batch that finds its connection
/// broken (the server restarted) runs again once on a new one. Thread-safe.
class SharedReader {
 public:
  using Clock = std::chrono::steady_clock;

  explicit SharedReader(SharedReaderOptions options);
  SharedReader(const SharedReader&) = delete;
  SharedReader& operator=(const SharedReader&) = delete;
  /// Fails what is still queued (ConnectionLost) and joins the lanes.
  ~SharedReader();

  /// Runs `statement` (an empty name: unnamed) with `params`, with a snapshot of its own, and
  /// returns its result, or throws what Connection::Execute would; QueryCanceled when no answer
  /// came by `deadline`.
  Result Execute(const Statement& statement, const Params& params, Clock::time_point deadline);

  /// Batches sent and statements answered so far, for metrics.
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t statements = 0;
  };
  Stats Totals() const;

 private:
  /// A caller's statement, shared with the lane that runs it: the caller may give up first.
  struct Pending {
    std::string unnamed_sql;  ///< the text of an unnamed statement, owned here
    Statement statement;
    Params params;
    std::optional<Result> result;
    std::exception_ptr error;
    bool done = false;
    std::condition_variable answered;  ///< for a caller on a thread of its own
    std::function<void()> wake;        ///< for a caller on an event loop's fiber
  };
  using Batch = std::vector<std::shared_ptr<Pending>>;

  Result AwaitOnLoop(const std::shared_ptr<Pending>& pending, Clock::time_point deadline);
  Result Collect(const std::shared_ptr<Pending>& pending);
  void RunLane();
  /// Runs `batch` on `connection` (opened or replaced as needed), handing every statement its
  /// outcome.
  void RunBatch(std::optional<Connection>& connection, Batch& batch);
  void FailFrom(Batch& batch, std::size_t first);
  Connection Open() const;
  void Deliver(Pending& pending, Result* result, std::exception_ptr error);

  SharedReaderOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<std::shared_ptr<Pending>> queue_;
  std::size_t idle_lanes_ = 0;
  bool stopping_ = false;
  Stats stats_;
  std::vector<std::thread> lanes_;
};

}  // namespace nedlia::pg
