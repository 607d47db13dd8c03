// event_stream_bench: Server-Sent Events subscribers of `GET /v1/events/stream` and a producer
// writing events into event_log at a steady rate, in one process, for bench/event_stream.
//
//   event_stream_bench --port PORT --database-url URL --keys FILE [--host 127.0.0.1]
//                      [--subscribers N] [--admin-subscribers N] [--rate PER_S] [--warmup S]
//                      [--duration S] [--drain S] [--connect-rate PER_S] [--writers N]
//                      [--label TEXT] [--tail-counter NAME]
//
// --keys holds one key a line: "advertiser <advertiser id> <secret>" or "admin - <secret>".
// The --subscribers are spread over the advertiser keys in turn (2,000 over 200 keys: 10 each),
// the --admin-subscribers over the admin keys; each asks for the stream after the log's head
// as it was before the run (`?after=<transaction id>-<position>`), and on a lost connection
// comes back with Last-Event-ID as an EventSource would (counted).
//
// Once every subscriber has its 200 (or the connect time is up), --writers threads commit
// --rate events per second in all (one com.nedlia.placement.created.v1 per autocommit INSERT,
// the advertiser_id one of the keys' advertisers at random, as bench/event_insert.sql writes
// them) and raise events::CommitSignal after each commit, which sends NOTIFY nedlia_events
// as any nedlia process does. After --warmup seconds the --duration window is measured; then
// the run waits up to --drain seconds for the window's events to arrive everywhere.
//
// Latency of a delivery = when the subscriber read the SSE message − when the producer's
// INSERT (its commit) returned; both instants are read on this process's steady clock.
// Expected deliveries of an event = the subscribers of its advertiser + the admin subscribers.
// The stream's database load over the window: the server's counter --tail-counter (default
// nedlia_event_stream_tail_queries_total, GET /metrics) when it has one, and always the
// database's committed transactions per second (pg_stat_database.xact_commit, every backend:
// compare with a run without subscribers to see the subscribers' share).
//
// Prints one line, "event-stream key=value ...", on standard output.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "bench_numbers.hpp"
#include "domain/uuid.hpp"
#include "events/commit_signal.hpp"
#include "http_response_reader.hpp"
#include "loopback_socket.hpp"
#include "pg/connection.hpp"

namespace nedlia::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kReconnectPause = std::chrono::seconds(1);

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string database_url;
  std::string keys_file;
  int subscribers = 2000;
  int admin_subscribers = 5;
  double rate = 500;
  double warmup_s = 2;
  double duration_s = 10;
  double drain_s = 5;
  double connect_rate = 1000;
  int writers = 2;
  std::string label;
  /// The server's counter of the stream tail's database queries (summed over its labels).
  std::string tail_counter = "nedlia_event_stream_tail_queries_total";
};

struct Key {
  std::optional<domain::Uuid> advertiser;  ///< none: an admin key
  std::string secret;
};

/// An event the producer committed: when, and for whom.
struct Produced {
  /// When its INSERT returned; max() until then (a subscriber may see it first: latency 0).
  Clock::time_point committed = Clock::time_point::max();
  int advertiser = 0;  ///< index into the advertisers
  bool measured = false;
};

/// The producer's record of its commits, read by the subscribers' thread.
class ProducedEvents {
 public:
  /// Before its INSERT is sent, so that a subscriber that sees it early knows it.
  void Add(std::string id, const Produced& event) {
    const std::lock_guard lock(mutex_);
    events_.emplace(std::move(id), event);
  }
  void Committed(const std::string& id, Clock::time_point at) {
    const std::lock_guard lock(mutex_);
    events_.at(id).committed = at;
  }
  std::optional<Produced> Find(const std::string& id) const {
    const std::lock_guard lock(mutex_);
    const auto found = events_.find(id);
    return found == events_.end() ? std::nullopt : std::optional<Produced>(found->second);
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Produced> events_;
};

/// What the subscribers saw; written on the subscribers' thread, read after it has stopped
/// (the atomics also while it runs).
struct Deliveries {
  std::atomic<int> subscribed_now{0};
  std::atomic<std::int64_t> measured_received{0};
  std::vector<double> latencies_ms;  ///< of the measured events' deliveries
  std::int64_t received = 0;         ///< every event delivered, measured or not
  std::int64_t duplicates = 0;       ///< an event the subscriber had received already
  std::int64_t foreign = 0;          ///< another advertiser's event (must stay 0)
  std::int64_t unknown = 0;          ///< not written by this run's producer
  std::int64_t disconnects = 0;
  std::int64_t reconnects = 0;
  std::map<int, std::int64_t> statuses;
  std::map<std::string, std::int64_t> connect_errors;
};

/// The value of the CloudEvent's top-level "id" in the SSE data (the producer's data has no
/// "id" member of its own, so the first one is the event's).
std::optional<std::string> EventIdOf(std::string_view json) {
  std::size_t at = json.find("\"id\"");
  if (at == std::string_view::npos)
    return std::nullopt;
  at = json.find('"', json.find(':', at + 4));
  const std::size_t end = json.find('"', at + 1);
  if (at == std::string_view::npos || end == std::string_view::npos)
    return std::nullopt;
  return std::string(json.substr(at + 1, end - at - 1));
}

/// text/event-stream, line by line: calls `dispatch(id, data)` for each message with data.
class SseParser {
 public:
  explicit SseParser(std::function<void(const std::string&, const std::string&)> dispatch)
      : dispatch_(std::move(dispatch)) {}

  void Feed(std::string_view bytes) {
    while (!bytes.empty()) {
      const std::size_t newline = bytes.find('\n');
      line_.append(bytes.substr(0, newline));
      if (newline == std::string_view::npos)
        return;
      bytes.remove_prefix(newline + 1);
      if (!line_.empty() && line_.back() == '\r')
        line_.pop_back();
      Line();
      line_.clear();
    }
  }

 private:
  void Line() {
    if (line_.empty()) {  // the end of a message
      if (!data_.empty())
        dispatch_(id_, data_);
      data_.clear();
      return;
    }
    if (line_.front() == ':')
      return;  // a comment (keep-alive)
    const std::size_t colon = line_.find(':');
    const std::string field = line_.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line_.substr(colon + 1);
    if (!value.empty() && value.front() == ' ')
      value.erase(0, 1);
    if (field == "data") {
      data_ += data_.empty() ? value : "\n" + value;
    } else if (field == "id") {
      id_ = value;
    }
  }

  std::function<void(const std::string&, const std::string&)> dispatch_;
  std::string line_;
  std::string data_;
  std::string id_;  ///< the last event id (it carries over to later messages, as in EventSource)
};

class Subscribers;

/// One EventSource-like client of the stream.
class Subscriber : public std::enable_shared_from_this<Subscriber> {
 public:
  Subscriber(Subscribers& all, const Key& key, int advertiser);
  void Connect();
  void Abort();

 private:
  void Read();
  /// Ends this connection (once, whichever of its operations fails first) and comes back
  /// after a pause.
  void Lost(const error_code& ec, std::uint64_t connection);
  void Message(const std::string& id, const std::string& data);

  Subscribers& all_;
  const Key& key_;
  int advertiser_;  ///< -1 for an admin
  tcp::socket socket_;
  asio::steady_timer pause_;
  std::optional<HttpResponseReader> reader_;
  std::optional<SseParser> sse_;
  std::array<char, 16384> buffer_{};
  std::string request_;
  std::string last_id_;
  /// The ids of the events received. Not their positions: the stream sends events in commit
  /// order, and a position ("<transaction id>-<n>") of a transaction that committed after a
  /// younger one sorts before positions already received.
  std::unordered_set<std::string> received_ids_;
  Clock::time_point received_at_;
  std::uint64_t connection_ = 0;  ///< counts connections: a late handler of an old one is ignored
  bool subscribed_ = false;
  bool stopped_ = false;
};

/// Every subscriber, on one thread, connecting at a paced rate.
class Subscribers {
 public:
  Subscribers(const Options& options, const std::vector<Key>& keys, const ProducedEvents& produced,
              std::string head);
  /// Creates the subscribers and runs them on a thread of their own.
  void Start();
  /// Resets every connection and joins the thread; the Deliveries are then final.
  void Stop();
  Deliveries& Results() { return deliveries_; }

  // For the subscribers, on their thread.
  asio::io_context& Io() { return io_; }
  const tcp::endpoint& Target() const { return target_; }
  const std::string& Head() const { return head_; }
  const ProducedEvents& Produced() const { return produced_; }
  /// Queues a (re)connection, paced with all the others.
  void QueueConnect(std::shared_ptr<Subscriber> subscriber) {
    to_connect_.push_back(std::move(subscriber));
  }

 private:
  void Tick();

  const Options& options_;
  const std::vector<Key>& keys_;
  const ProducedEvents& produced_;
  std::string head_;
  asio::io_context io_{1};
  tcp::endpoint target_;
  asio::steady_timer ticker_{io_};
  std::vector<std::shared_ptr<Subscriber>> all_;
  std::deque<std::shared_ptr<Subscriber>> to_connect_;
  bool stopping_ = false;  ///< on io_'s thread
  double tokens_ = 0;
  Clock::time_point last_tick_;
  Deliveries deliveries_;
  std::thread thread_;
};

// --- Subscriber --------------------------------------------------------------------------------

Subscriber::Subscriber(Subscribers& all, const Key& key, int advertiser)
    : all_(all), key_(key), advertiser_(advertiser), socket_(all.Io()), pause_(all.Io()) {}

void Subscriber::Connect() {
  if (stopped_)
    return;
  Deliveries& results = all_.Results();
  const std::uint64_t connection = ++connection_;
  if (const error_code ec = OpenLoopbackSocket(socket_, all_.Target())) {
    ++results.connect_errors[ec.message()];
    Lost(asio::error::operation_aborted, connection);
    return;
  }
  socket_.async_connect(
      all_.Target(), [self = shared_from_this(), connection](const error_code& ec) {
        if (self->stopped_ || connection != self->connection_)
          return;
        if (ec) {
          ++self->all_.Results().connect_errors[ec.message()];
          self->Lost(asio::error::operation_aborted, connection);
          return;
        }
        // A fresh parser per connection; after a loss, resume where the last message left off.
        self->request_ = "GET /v1/events/stream?after=" + self->all_.Head() +
                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                         "Authorization: Bearer " +
                         self->key_.secret + "\r\n";
        if (!self->last_id_.empty())
          self->request_ += "Last-Event-ID: " + self->last_id_ + "\r\n";
        self->request_ += "\r\n";
        Subscriber* raw = self.get();
        self->sse_.emplace(
            [raw](const std::string& id, const std::string& data) { raw->Message(id, data); });
        self->reader_.emplace(
            [raw](const ResponseHead& head) {
              Deliveries& counted = raw->all_.Results();
              ++counted.statuses[head.status];
              if (head.status == 200 && !raw->subscribed_) {
                raw->subscribed_ = true;
                ++counted.subscribed_now;
              }
            },
            [raw](std::string_view body) {
              if (raw->subscribed_)
                raw->sse_->Feed(body);
            },
            [] {});
        asio::async_write(self->socket_, asio::buffer(self->request_),
                          [self, connection](const error_code& error, std::size_t) {
                            if (error && !self->stopped_)
                              self->Lost(error, connection);
                          });
        self->Read();
      });
}

void Subscriber::Read() {
  socket_.async_read_some(
      asio::buffer(buffer_),
      [self = shared_from_this(), connection = connection_](const error_code& ec, std::size_t n) {
        if (self->stopped_ || connection != self->connection_)
          return;
        if (ec) {
          self->Lost(ec, connection);
          return;
        }
        self->received_at_ = Clock::now();  // one instant for all the messages of this read
        if (!self->reader_->Feed(std::string_view(self->buffer_.data(), n))) {
          self->Lost(asio::error::invalid_argument, connection);
          return;
        }
        self->Read();
      });
}

void Subscriber::Message(const std::string& id, const std::string& data) {
  Deliveries& results = all_.Results();
  last_id_ = id;
  const std::optional<std::string> event_id = EventIdOf(data);
  if (event_id && !received_ids_.insert(*event_id).second) {
    ++results.duplicates;
    return;
  }
  ++results.received;
  const std::optional<Produced> event =
      event_id ? all_.Produced().Find(*event_id) : std::optional<Produced>();
  if (!event) {
    ++results.unknown;
    return;
  }
  if (advertiser_ >= 0 && event->advertiser != advertiser_)
    ++results.foreign;
  if (!event->measured)
    return;
  // Seen before its writer read the clock (the commit is visible before its answer): zero.
  results.latencies_ms.push_back(std::max(
      0.0, std::chrono::duration<double, std::milli>(received_at_ - event->committed).count()));
  ++results.measured_received;
}

void Subscriber::Lost(const error_code& ec, std::uint64_t connection) {
  if (connection != connection_)
    return;  // this connection was lost already
  ++connection_;
  Deliveries& results = all_.Results();
  if (ec != asio::error::operation_aborted)
    ++results.disconnects;
  if (subscribed_) {
    subscribed_ = false;
    --results.subscribed_now;
  }
  error_code ignored;
  socket_.close(ignored);
  ++results.reconnects;
  pause_.expires_after(kReconnectPause);
  pause_.async_wait([self = shared_from_this()](const error_code& error) {
    if (!error && !self->stopped_)
      self->all_.QueueConnect(self);
  });
}

void Subscriber::Abort() {
  stopped_ = true;
  pause_.cancel();
  AbortSocket(socket_);
}

// --- Subscribers -------------------------------------------------------------------------------

Subscribers::Subscribers(const Options& options, const std::vector<Key>& keys,
                         const ProducedEvents& produced, std::string head)
    : options_(options),
      keys_(keys),
      produced_(produced),
      head_(std::move(head)),
      target_(LoopbackAddress(options.host), static_cast<std::uint16_t>(options.port)) {}

void Subscribers::Start() {
  std::vector<const Key*> advertiser_keys, admin_keys;
  for (const Key& key : keys_)
    (key.advertiser ? advertiser_keys : admin_keys).push_back(&key);
  if (options_.subscribers > 0 && advertiser_keys.empty())
    throw std::invalid_argument("--keys has no advertiser key for --subscribers");
  if (options_.admin_subscribers > 0 && admin_keys.empty())
    throw std::invalid_argument("--keys has no admin key for --admin-subscribers");
  for (int i = 0; i < options_.subscribers; ++i) {
    // The key's index among the advertiser keys is its advertiser's index for the producer.
    const auto index = static_cast<std::size_t>(i) % advertiser_keys.size();
    all_.push_back(
        std::make_shared<Subscriber>(*this, *advertiser_keys[index], static_cast<int>(index)));
  }
  for (int i = 0; i < options_.admin_subscribers; ++i) {
    all_.push_back(std::make_shared<Subscriber>(
        *this, *admin_keys[static_cast<std::size_t>(i) % admin_keys.size()], -1));
  }
  to_connect_.assign(all_.begin(), all_.end());
  // Every measured event reaches the admin subscribers and, on average, a few others.
  deliveries_.latencies_ms.reserve(static_cast<std::size_t>(options_.rate * options_.duration_s *
                                                            (options_.admin_subscribers + 10)));
  last_tick_ = Clock::now();
  Tick();
  thread_ = std::thread([this] { io_.run(); });
}

void Subscribers::Tick() {
  if (stopping_)
    return;  // a tick already due when Stop cancelled the ticker
  const Clock::time_point now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_tick_).count();
  last_tick_ = now;
  tokens_ = std::min(std::max(1.0, options_.connect_rate / 100),
                     tokens_ + elapsed * options_.connect_rate);
  while (tokens_ >= 1 && !to_connect_.empty()) {
    tokens_ -= 1;
    const std::shared_ptr<Subscriber> next = std::move(to_connect_.front());
    to_connect_.pop_front();
    next->Connect();
  }
  ticker_.expires_after(std::chrono::milliseconds(10));
  ticker_.async_wait([this](const error_code& ec) {
    if (!ec)
      Tick();
  });
}

void Subscribers::Stop() {
  asio::post(io_, [this] {
    stopping_ = true;
    ticker_.cancel();
    for (const std::shared_ptr<Subscriber>& subscriber : all_)
      subscriber->Abort();
    to_connect_.clear();
  });
  thread_.join();
}

// --- Producer ----------------------------------------------------------------------------------

const pg::Statement kInsertEvent{"bench_event_insert", R"sql(
    INSERT INTO event_log (id, event_type, aggregate_type, aggregate_id, data, metadata,
                           created_by, advertiser_id)
    VALUES ($1, 'com.nedlia.placement.created.v1', 'placement', $2, $3::jsonb, $4::jsonb,
            '00000003-0000-4000-8000-000000000001', $5))sql"};

/// What the writers did over the measured window.
struct ProducerCounts {
  std::atomic<std::int64_t> committed{0};
  std::atomic<std::int64_t> measured{0};
  std::atomic<std::int64_t> expected_deliveries{0};  ///< of the measured events
  std::mutex mutex;
  std::vector<double> insert_ms;  ///< each measured INSERT, sent to returned
};

std::string EventData(const std::string& placement) {
  const std::string other = domain::Uuid::NewV7().ToString();
  return R"({"placement_id":")" + placement + R"(","video_id":")" + other + R"(","product_id":")" +
         other +
         R"(","time_range":{"start_time":12.5,"end_time":30.25},)"
         R"("created_by":"00000003-0000-4000-8000-000000000001"})";
}

std::string EventMetadata(const std::string& placement) {
  return R"({"specversion":"1.0","source":"/placements","subject":")" + placement +
         R"(","datacontenttype":"application/json",)"
         R"("dataschema":"http://127.0.0.1:8080/v1/schemas/events/com.nedlia.placement.created.v1",)"
         R"("nedliaenvironment":"bench","nedliaversion":"bench",)"
         R"("traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})";
}

/// One writer: its share of the rate, on its own connection, until `stop`.
void Write(const Options& options, int writer, const std::vector<domain::Uuid>& advertisers,
           const std::vector<int>& audience, ProducedEvents& produced, ProducerCounts& counts,
           events::CommitSignal& signal, Clock::time_point start, Clock::time_point measure_from,
           Clock::time_point measure_until) {
  pg::Connection connection = pg::Connection::Open(options.database_url);
  std::mt19937_64 random(std::random_device{}() + static_cast<unsigned>(writer));
  std::uniform_int_distribution<std::size_t> pick(0, advertisers.size() - 1);
  const std::chrono::duration<double> every(options.writers / options.rate);
  const double offset = static_cast<double>(writer) / options.writers;  // writers interleave
  for (std::int64_t k = 0;; ++k) {
    // A schedule fixed in advance: a late commit does not push the following ones back.
    const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                 every * (static_cast<double>(k) + offset));
    if (due >= measure_until)
      return;
    std::this_thread::sleep_until(due);
    const domain::Uuid id = domain::Uuid::NewV7();
    const std::string placement = domain::Uuid::NewV7().ToString();
    const std::size_t advertiser = pick(random);
    const bool measured = due >= measure_from;
    produced.Add(id.ToString(), {.advertiser = static_cast<int>(advertiser), .measured = measured});
    const Clock::time_point sent = Clock::now();
    // Autocommit: the statement is its transaction, committed when it returns.
    connection.Execute(kInsertEvent, pg::Params(id, placement, EventData(placement),
                                                EventMetadata(placement), advertisers[advertiser]));
    const Clock::time_point committed = Clock::now();
    produced.Committed(id.ToString(), committed);
    signal.Raise();
    ++counts.committed;
    if (!measured)
      continue;
    ++counts.measured;
    counts.expected_deliveries += audience[advertiser];
    const std::lock_guard lock(counts.mutex);
    counts.insert_ms.push_back(std::chrono::duration<double, std::milli>(committed - sent).count());
  }
}

// --- Measuring the server and the database ------------------------------------------------------

/// The sum of the --tail-counter over its labels, or nullopt when the server does not report
/// it.
std::optional<double> TailQueries(const Options& options) {
  asio::io_context io;
  tcp::socket socket(io);
  const tcp::endpoint target(LoopbackAddress(options.host),
                             static_cast<std::uint16_t>(options.port));
  if (OpenLoopbackSocket(socket, target))
    return std::nullopt;
  error_code ec;
  socket.connect(target, ec);
  const std::string request =
      "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (ec || !asio::write(socket, asio::buffer(request), ec) || ec)
    return std::nullopt;
  std::string body;
  bool done = false;
  HttpResponseReader reader([](const ResponseHead&) {},
                            [&body](std::string_view piece) { body.append(piece); },
                            [&done] { done = true; });
  std::array<char, 16384> buffer{};
  while (!done) {
    const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
    if (ec || !reader.Feed(std::string_view(buffer.data(), n)))
      break;
  }
  std::optional<double> total;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    const std::string& name = options.tail_counter;
    if (!line.starts_with(name))
      continue;
    const char after = line.size() > name.size() ? line[name.size()] : ' ';
    if (after != ' ' && after != '{')
      continue;  // another metric whose name starts the same
    if (const auto value = ParseNumber(line.substr(line.rfind(' ') + 1)))
      total = total.value_or(0) + *value;
  }
  return total;
}

std::int64_t CommittedTransactions(pg::Connection& connection) {
  return connection
      .Execute("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")
      .Single()[0]
      .As<std::int64_t>();
}

/// Where the log ends now: the stream is asked for what comes after it.
std::string Head(pg::Connection& connection) {
  const pg::Result result = connection.Execute(
      "SELECT e.transaction_id::text AS head, e.position FROM event_log AS e "
      "ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1");
  if (result.Empty())
    return "0-0";
  return result[0][0].As<std::string>() + "-" + std::to_string(result[0][1].As<std::int64_t>());
}

std::vector<Key> ReadKeys(const std::string& file) {
  std::ifstream in(file);
  if (!in)
    throw std::invalid_argument("cannot read --keys " + file);
  std::vector<Key> keys;
  for (std::string kind, advertiser, secret; in >> kind >> advertiser >> secret;) {
    Key key{.secret = secret};
    if (kind == "advertiser") {
      key.advertiser = domain::Uuid::Parse(advertiser);
      if (!key.advertiser)
        throw std::invalid_argument("--keys: not an advertiser id: " + advertiser);
    } else if (kind != "admin") {
      throw std::invalid_argument("--keys: a line starts with advertiser or admin, not " + kind);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

// --- The run -----------------------------------------------------------------------------------

std::string Format(double value) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(2);
  out << value;
  return out.str();
}

template <class Map>
std::string Joined(const Map& counts) {
  std::string text;
  for (const auto& [name, count] : counts)
    text += (text.empty() ? "" : ",") + std::to_string(name) + ":" + std::to_string(count);
  return text.empty() ? "-" : text;
}

std::string JoinedNames(const std::map<std::string, std::int64_t>& counts) {
  std::string text;
  for (const auto& [name, count] : counts) {
    std::string word = name;
    std::replace(word.begin(), word.end(), ' ', '_');
    text += (text.empty() ? "" : ",") + word + ":" + std::to_string(count);
  }
  return text.empty() ? "-" : text;
}

void Run(const Options& options) {
  const std::vector<Key> keys = ReadKeys(options.keys_file);
  std::vector<domain::Uuid> advertisers;
  for (const Key& key : keys) {
    if (key.advertiser)
      advertisers.push_back(*key.advertiser);
  }
  if (advertisers.empty())
    throw std::invalid_argument("--keys has no advertiser key: events need advertisers");
  // Subscribers per advertiser (index as in Subscribers::Start), plus every admin subscriber.
  std::vector<int> audience(advertisers.size(), options.admin_subscribers);
  for (int i = 0; i < options.subscribers; ++i)
    ++audience[static_cast<std::size_t>(i) % advertisers.size()];

  pg::Connection control = pg::Connection::Open(options.database_url);
  ProducedEvents produced;
  const std::string head = Head(control);
  std::cerr << "event_stream_bench: " << options.subscribers + options.admin_subscribers
            << " subscribers of the stream after " << head << "\n";
  Subscribers subscribers(options, keys, produced, head);
  const int wanted = options.subscribers + options.admin_subscribers;
  const Clock::time_point connect_start = Clock::now();
  subscribers.Start();
  const auto connect_limit =
      connect_start + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(30 + wanted / options.connect_rate));
  Deliveries& results = subscribers.Results();
  while (results.subscribed_now < wanted && Clock::now() < connect_limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int subscribed_at_start = results.subscribed_now;
  const double connect_s = std::chrono::duration<double>(Clock::now() - connect_start).count();

  // Producing: warm-up, then the measured window.
  ProducerCounts counts;
  const auto seconds = [](double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_from = start + seconds(options.warmup_s);
  const Clock::time_point measure_until = measure_from + seconds(options.duration_s);
  std::optional<double> tail_before, tail_after;
  std::int64_t xact_before = 0, xact_after = 0;
  {
    events::CommitSignal signal(options.database_url);
    std::vector<std::jthread> writers;
    writers.reserve(static_cast<std::size_t>(options.writers));
    for (int w = 0; w < options.writers; ++w) {
      writers.emplace_back([&, w] {
        try {
          Write(options, w, advertisers, audience, produced, counts, signal, start, measure_from,
                measure_until);
        } catch (const std::exception& error) {
          std::cerr << "event_stream_bench: writer " << w << " failed: " << error.what() << "\n";
        }
      });
    }
    std::this_thread::sleep_until(measure_from);
    tail_before = TailQueries(options);
    xact_before = CommittedTransactions(control);
    std::this_thread::sleep_until(measure_until);
    tail_after = TailQueries(options);
    xact_after = CommittedTransactions(control);
    writers.clear();  // joined
    // The signal drops a raise pending when it is destroyed: let it send the last NOTIFY.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const Clock::time_point drain_limit = Clock::now() + seconds(options.drain_s);
  while (results.measured_received < counts.expected_deliveries && Clock::now() < drain_limit)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int subscribed_at_end = results.subscribed_now;
  subscribers.Stop();

  const Quantiles latency = Summarize(results.latencies_ms);
  const Quantiles insert = Summarize(counts.insert_ms);
  const std::int64_t expected = counts.expected_deliveries;
  const std::int64_t missing = std::max<std::int64_t>(0, expected - results.measured_received);
  std::string tail = "n/a";
  if (tail_before && tail_after)
    tail = Format((*tail_after - *tail_before) / options.duration_s);
  std::cout << "event-stream" << (options.label.empty() ? "" : " label=" + options.label)
            << " subscribers=" << options.subscribers
            << " admin_subscribers=" << options.admin_subscribers
            << " subscribed=" << subscribed_at_start << " subscribed_at_end=" << subscribed_at_end
            << " connect_s=" << Format(connect_s) << " events=" << counts.measured
            << " events_per_s=" << Format(static_cast<double>(counts.measured) / options.duration_s)
            << " expected=" << expected << " delivered=" << results.measured_received
            << " missing=" << missing << " p50_ms=" << Format(latency.p50)
            << " p99_ms=" << Format(latency.p99) << " max_ms=" << Format(latency.max)
            << " insert_p50_ms=" << Format(insert.p50) << " insert_p99_ms=" << Format(insert.p99)
            << " tail_queries_per_s=" << tail << " db_xact_per_s="
            << Format(static_cast<double>(xact_after - xact_before) / options.duration_s)
            << " received_total=" << results.received << " duplicates=" << results.duplicates
            << " foreign=" << results.foreign << " unknown=" << results.unknown
            << " disconnects=" << results.disconnects << " statuses=" << Joined(results.statuses)
            << " connect_errors=" << JoinedNames(results.connect_errors) << std::endl;
}

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "event_stream_bench: " << problem
            << "\nusage: event_stream_bench --port PORT --database-url URL --keys FILE"
               " [--host 127.0.0.1] [--subscribers N] [--admin-subscribers N] [--rate PER_S]"
               " [--warmup S] [--duration S] [--drain S] [--connect-rate PER_S] [--writers N]"
               " [--label TEXT] [--tail-counter NAME]\n";
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc)
      Usage(flag + " needs a value");
    const std::string value = argv[++i];
    const std::optional<double> number = ParseNumber(value);
    const auto at_least = [&](double min) {
      if (!number || *number < min)
        Usage(flag + " must be a number of at least " + Format(min));
      return *number;
    };
    if (flag == "--host") {
      options.host = value;
    } else if (flag == "--port") {
      options.port = static_cast<int>(at_least(1));
    } else if (flag == "--database-url") {
      options.database_url = value;
    } else if (flag == "--keys") {
      options.keys_file = value;
    } else if (flag == "--subscribers") {
      options.subscribers = static_cast<int>(at_least(0));
    } else if (flag == "--admin-subscribers") {
      options.admin_subscribers = static_cast<int>(at_least(0));
    } else if (flag == "--rate") {
      options.rate = at_least(0.1);
    } else if (flag == "--warmup") {
      options.warmup_s = at_least(0);
    } else if (flag == "--duration") {
      options.duration_s = at_least(0.1);
    } else if (flag == "--drain") {
      options.drain_s = at_least(0);
    } else if (flag == "--connect-rate") {
      options.connect_rate = at_least(1);
    } else if (flag == "--writers") {
      options.writers = static_cast<int>(at_least(1));
    } else if (flag == "--label") {
      options.label = value;
    } else if (flag == "--tail-counter") {
      options.tail_counter = value;
    } else {
      Usage("unknown option " + flag);
    }
  }
  if (options.port == 0 || options.database_url.empty() || options.keys_file.empty())
    Usage("--port, --database-url and --keys are required");
  return options;
}

}  // namespace
}  // namespace nedlia::bench

int main(int argc, char** argv) {
  try {
    nedlia::bench::Run(nedlia::bench::ParseOptions(argc, argv));
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "event_stream_bench: " << error.what() << "\n";
    return 1;
  }
}
