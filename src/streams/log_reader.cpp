#include "streams/log_reader.hpp"

#include <stdexcept>
#include <stop_token>

#include "events/commit_order.hpp"

namespace nedlia::streams {
namespace {

// A hub that cannot reach the database retries later; it must not hold a shutdown for long.
constexpr std::chrono::seconds kConnectTimeout{2};

class Stopping : public std::runtime_error {
 public:
  Stopping() : std::runtime_error("the event stream hub is stopping") {}
};

}  // namespace

events::FeedPage LogReader::ReadPage(const app::FeedQuery& query) {
  return events::FeedRows(Connected()).ReadPage(query);
}

app::LogPosition LogReader::Top() {
  return events::FeedRows(Connected()).Top();
}

void LogReader::SequenceFinal() {
  events::CommitOrder(Connected()).SequenceFinal();
}

void LogReader::Reset() {
  const std::lock_guard lock(mutex_);
  connection_.reset();
}

void LogReader::Cancel() {
  const std::lock_guard lock(mutex_);
  cancelled_ = true;
  if (connection_)
    connection_->RequestCancel();
}

pg::Connection& LogReader::Connected() {
  {
    const std::lock_guard lock(mutex_);
    if (cancelled_)
      throw Stopping();
    if (connection_ && connection_->IsOpen())
      return *connection_;
  }
  // Opened outside the lock, so that Cancel never waits for a connection attempt. Only this
  // reader's thread replaces the connection, so the reference stays valid after the lock.
  // The primary's log: a standby may lag behind the commits that woke us.
  pg::Connection fresh = pg::Connection::Open(url_, kConnectTimeout, pg::TargetSession::kReadWrite);
  fresh.Execute("SELECT set_config('statement_timeout', $1, false)",
                pg::Params(std::to_string(statement_timeout_.count())));
  const std::lock_guard lock(mutex_);
  if (cancelled_)
    throw Stopping();
  connection_.emplace(std::move(fresh));
  return *connection_;
}

}  // namespace nedlia::streams
