// http_edge_clients: idle, slow and hostile HTTP clients held open against one server on
// loopback, for bench/http_edge. One thread, one epoll (Asio), thousands of connections.
//
//   http_edge_clients --port PORT [--host 127.0.0.1] [--idle N] [--slowloris N]
//                     [--endless-chunk N] [--open-rate PER_S] [--slowloris-interval-ms MS]
//                     [--duration S] [--key SECRET] [--ready-file PATH]
//                     [--watch-pid PID] [--rss-limit-mb MB]
//
// Modes, each with its own count (they run side by side):
//   idle           sends one `GET /healthz`, reads the answer, then stays open and silent;
//   slowloris      sends a request head one byte every --slowloris-interval-ms, never ending it;
//   endless-chunk  sends `POST /v1/placements` with `Transfer-Encoding: chunked` and a chunk
//                  extension that never ends (`1;aaaa...`), as fast as the server reads.
// A connection the server closes is opened again, so the counts hold for the whole run.
// Opening (first and again) is paced at --open-rate per second; a failed socket or connect
// (EMFILE, EADDRNOTAVAIL, ECONNREFUSED...) is counted by its errno name, and opening pauses
// for 100 ms. --ready-file is written the first time every mode has all its connections open
// and ready (idle: answered; slowloris: first byte sent; endless-chunk: head sent).
// --watch-pid samples that process's VmRSS and VmHWM (/proc/PID/status) every 100 ms; with
// --rss-limit-mb the run stops when VmRSS passes the limit (a safety net on a shared machine).
// Runs for --duration seconds (0: until SIGINT or SIGTERM), then prints one JSON line of
// counters on standard output. Every socket is bound to loopback and --host must be loopback.
#include <string.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "bench_numbers.hpp"
#include "http_response_reader.hpp"
#include "loopback_socket.hpp"

namespace nedlia::bench {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

enum class Mode { kIdle, kSlowloris, kEndlessChunk };
constexpr std::array kModes{Mode::kIdle, Mode::kSlowloris, Mode::kEndlessChunk};

const char* NameOf(Mode mode) {
  switch (mode) {
    case Mode::kIdle:
      return "idle";
    case Mode::kSlowloris:
      return "slowloris";
    case Mode::kEndlessChunk:
      return "endless_chunk";
  }
  return "?";
}

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::array<std::int64_t, 3> counts{};  ///< by Mode
  double open_rate = 2000;               ///< connections opened per second, at most
  std::chrono::milliseconds slowloris_interval{3000};
  double duration_s = 0;  ///< 0: until a signal
  std::string key;        ///< the endless chunk's bearer token
  std::string ready_file;
  int watch_pid = 0;
  std::int64_t rss_limit_kb = 0;  ///< 0: no limit
};

/// What happened to the connections of one mode.
struct ModeCounters {
  std::int64_t opened = 0;  ///< connects that succeeded, first and again
  std::int64_t open_now = 0;
  std::int64_t ready_now = 0;
  std::int64_t closed_by_server = 0;  ///< an orderly close (FIN) from the server
  std::int64_t reset_by_server = 0;   ///< ECONNRESET or EPIPE
  std::int64_t bytes_sent = 0;
  std::map<int, std::int64_t> statuses;        ///< answers received, by status
  std::map<std::string, std::int64_t> errors;  ///< other read or write failures
};

/// A process's memory as /proc/PID/status reports it, sampled.
struct MemoryWatch {
  std::int64_t samples = 0;
  std::int64_t rss_first_kb = 0;
  std::int64_t rss_peak_kb = 0;
  std::int64_t rss_last_kb = 0;
  std::int64_t hwm_last_kb = 0;
  bool limit_hit = false;
  bool gone = false;
};

/// "EADDRNOTAVAIL" for a system error, the message otherwise.
std::string ErrorName(const error_code& ec) {
  if (ec.category() == boost::system::system_category()) {
    if (const char* name = ::strerrorname_np(ec.value()))
      return name;
  }
  return ec.message();
}

/// VmRSS and VmHWM in kB, or nullopt once the process is gone.
std::optional<std::pair<std::int64_t, std::int64_t>> ReadMemory(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  if (!status)
    return std::nullopt;
  std::int64_t rss = -1, hwm = -1;
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) {
      rss = std::stoll(line.substr(6));
    } else if (line.starts_with("VmHWM:")) {
      hwm = std::stoll(line.substr(6));
    }
  }
  if (rss < 0)
    return std::nullopt;  // a zombie has no memory lines
  return std::make_pair(rss, hwm);
}

class Swarm;

/// One connection of one mode, from connect until the server (or the run) ends it.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(Swarm& swarm, Mode mode, tcp::socket socket);
  void Start();
  /// Ends the connection with a reset, counting nothing (the run is over).
  void Abort();

 private:
  void Read();
  void SendSlowByte();
  void WriteEndless();
  void Send(std::string_view bytes, bool then_ready);
  /// Counts how the connection ended (once) and hands its slot back to be opened again.
  void Ended(const error_code& ec);
  void BecomeReady();

  Swarm& swarm_;
  Mode mode_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  HttpResponseReader reader_;
  std::array<char, 2048> buffer_{};
  std::string out_;          ///< bytes being written (a request head, one slow byte)
  std::size_t dripped_ = 0;  ///< slowloris: bytes of the head sent so far
  bool writing_ = false;
  bool ended_ = false;
  bool ready_ = false;
};

/// The connections of every mode, their pacing and their counters.
class Swarm {
 public:
  Swarm(asio::io_context& io, Options options);
  void Run();
  nlohmann::json Report() const;

  // For the clients.
  ModeCounters& Counters(Mode mode) { return counters_[static_cast<std::size_t>(mode)]; }
  const Options& Settings() const { return options_; }
  asio::io_context& Io() { return io_; }
  void Ready(Mode mode);
  void Ended(const std::shared_ptr<Client>& client, Mode mode, bool was_ready);

 private:
  void Tick();
  void OpenOne(Mode mode);
  void ConnectFailed(Mode mode, const error_code& ec);
  void Watch();
  void Stop(const char* why);
  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - started_).count(); }

  asio::io_context& io_;
  Options options_;
  tcp::endpoint target_;
  std::array<ModeCounters, 3> counters_{};
  std::deque<Mode> to_open_;  ///< slots waiting for a connection, first or again
  std::unordered_set<std::shared_ptr<Client>> live_;
  std::map<std::string, std::int64_t> connect_errors_;
  /// Sockets whose connect is under way (closed by Stop: a server that no longer accepts would
  /// keep them waiting for SYN retransmissions).
  std::unordered_set<std::shared_ptr<tcp::socket>> connecting_;
  double tokens_ = 0;
  Clock::time_point last_tick_;
  Clock::time_point paused_until_;
  Clock::time_point started_;
  std::optional<double> ready_after_s_;
  MemoryWatch memory_;
  std::string stop_reason_;
  bool stopping_ = false;
  asio::steady_timer opener_;
  asio::steady_timer watcher_;
  asio::steady_timer deadline_;
  asio::signal_set signals_;
};

// --- Client ------------------------------------------------------------------------------------

const std::string kIdleRequest = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const std::string kSlowHead =
    "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: nedlia-bench-slowloris\r\nX-Slow: ";
/// What the endless chunk extension is made of, written over and over.
const std::string kFill(std::size_t{64} * 1024, 'a');

Client::Client(Swarm& swarm, Mode mode, tcp::socket socket)
    : swarm_(swarm),
      mode_(mode),
      socket_(std::move(socket)),
      timer_(swarm.Io()),
      reader_([this](const ResponseHead& head) { ++swarm_.Counters(mode_).statuses[head.status]; },
              [](std::string_view) {},
              [this] {
                if (mode_ == Mode::kIdle)
                  BecomeReady();
              }) {}

void Client::Start() {
  Read();
  switch (mode_) {
    case Mode::kIdle:
      Send(kIdleRequest, false);  // ready once answered
      break;
    case Mode::kSlowloris:
      SendSlowByte();
      break;
    case Mode::kEndlessChunk:
      Send(
          "POST /v1/placements HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
          "Content-Type: application/json\r\nAuthorization: Bearer " +
              swarm_.Settings().key + "\r\n\r\n1;",
          true);
      break;
  }
}

void Client::Abort() {
  ended_ = true;
  timer_.cancel();
  AbortSocket(socket_);
}

void Client::Read() {
  socket_.async_read_some(asio::buffer(buffer_),
                          [self = shared_from_this()](const error_code& ec, std::size_t n) {
                            if (self->ended_)
                              return;
                            if (ec) {
                              self->Ended(ec);
                              return;
                            }
                            if (!self->reader_.Feed(std::string_view(self->buffer_.data(), n))) {
                              ++self->swarm_.Counters(self->mode_).errors["unreadable answer"];
                              self->Ended(asio::error::operation_aborted);
                              return;
                            }
                            self->Read();
                          });
}

void Client::Send(std::string_view bytes, bool then_ready) {
  out_.assign(bytes);
  writing_ = true;
  asio::async_write(socket_, asio::buffer(out_),
                    [self = shared_from_this(), then_ready](const error_code& ec, std::size_t n) {
                      self->writing_ = false;
                      if (self->ended_)
                        return;
                      self->swarm_.Counters(self->mode_).bytes_sent += static_cast<std::int64_t>(n);
                      if (ec) {
                        self->Ended(ec);
                        return;
                      }
                      if (then_ready)
                        self->BecomeReady();
                      if (self->mode_ == Mode::kEndlessChunk)
                        self->WriteEndless();
                    });
}

// One byte of the head, then the next after the interval; the head never ends (its last
// header's value grows by an 'a' at a time).
void Client::SendSlowByte() {
  if (!writing_) {  // else the server has not taken the last byte yet: skip this turn
    const char next = dripped_ < kSlowHead.size() ? kSlowHead[dripped_] : 'a';
    ++dripped_;
    Send(std::string_view(&next, 1), true);
  }
  timer_.expires_after(swarm_.Settings().slowloris_interval);
  timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec && !self->ended_)
      self->SendSlowByte();
  });
}

void Client::WriteEndless() {
  asio::async_write(socket_, asio::buffer(kFill),
                    [self = shared_from_this()](const error_code& ec, std::size_t n) {
                      if (self->ended_)
                        return;
                      self->swarm_.Counters(self->mode_).bytes_sent += static_cast<std::int64_t>(n);
                      if (ec) {
                        self->Ended(ec);
                        return;
                      }
                      self->WriteEndless();
                    });
}

void Client::BecomeReady() {
  if (ready_)
    return;
  ready_ = true;
  swarm_.Ready(mode_);
}

void Client::Ended(const error_code& ec) {
  if (ended_)
    return;
  ended_ = true;
  ModeCounters& counters = swarm_.Counters(mode_);
  if (ec == asio::error::eof) {
    ++counters.closed_by_server;
  } else if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
    ++counters.reset_by_server;
  } else if (ec != asio::error::operation_aborted) {
    ++counters.errors[ErrorName(ec)];
  }
  timer_.cancel();
  error_code ignored;
  socket_.close(ignored);
  swarm_.Ended(shared_from_this(), mode_, ready_);
}

// --- Swarm -------------------------------------------------------------------------------------

Swarm::Swarm(asio::io_context& io, Options options)
    : io_(io),
      options_(std::move(options)),
      target_(LoopbackAddress(options_.host), static_cast<std::uint16_t>(options_.port)),
      opener_(io),
      watcher_(io),
      deadline_(io),
      signals_(io, SIGINT, SIGTERM) {}

void Swarm::Run() {
  started_ = last_tick_ = paused_until_ = Clock::now();
  // Interleaved in proportion to the counts (10,000 idle and 1,000 slowloris: a slowloris
  // connection after every ten idle ones), so that each mode fills up over the whole opening.
  std::int64_t total = 0;
  for (const std::int64_t count : options_.counts)
    total += count;
  std::array<std::int64_t, 3> taken{};
  for (std::int64_t k = 1; k <= total; ++k) {
    // The mode furthest behind its share of the first k connections.
    std::size_t next = 0;
    double behind = std::numeric_limits<double>::lowest();
    for (std::size_t index = 0; index < kModes.size(); ++index) {
      const double share =
          static_cast<double>(options_.counts[index] * k) / static_cast<double>(total);
      if (taken[index] < options_.counts[index] &&
          share - static_cast<double>(taken[index]) > behind) {
        behind = share - static_cast<double>(taken[index]);
        next = index;
      }
    }
    ++taken[next];
    to_open_.push_back(kModes[next]);
  }
  signals_.async_wait([this](const error_code& ec, int) {
    if (!ec)
      Stop("signal");
  });
  if (options_.duration_s > 0) {
    deadline_.expires_after(std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(options_.duration_s)));
    deadline_.async_wait([this](const error_code& ec) {
      if (!ec)
        Stop("duration");
    });
  }
  if (options_.watch_pid > 0)
    Watch();
  Tick();
  io_.run();
}

// Every 10 ms: opens as many connections as the rate allows (a token bucket holding at most
// 10 ms of tokens, so that a pause is not followed by a burst).
void Swarm::Tick() {
  if (stopping_)
    return;
  const Clock::time_point now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - last_tick_).count();
  last_tick_ = now;
  const double burst = std::max(1.0, options_.open_rate / 100);
  tokens_ = std::min(burst, tokens_ + elapsed * options_.open_rate);
  constexpr std::int64_t kMaxConnecting = 512;
  while (now >= paused_until_ && tokens_ >= 1 && !to_open_.empty() &&
         static_cast<std::int64_t>(connecting_.size()) < kMaxConnecting) {
    const Mode mode = to_open_.front();
    to_open_.pop_front();
    tokens_ -= 1;
    OpenOne(mode);
  }
  opener_.expires_after(std::chrono::milliseconds(10));
  opener_.async_wait([this](const error_code& ec) {
    if (!ec)
      Tick();
  });
}

void Swarm::OpenOne(Mode mode) {
  auto socket = std::make_shared<tcp::socket>(io_);
  if (const error_code ec = OpenLoopbackSocket(*socket, target_)) {
    ConnectFailed(mode, ec);
    return;
  }
  connecting_.insert(socket);
  socket->async_connect(target_, [this, socket, mode](const error_code& ec) {
    connecting_.erase(socket);
    if (stopping_) {
      AbortSocket(*socket);
      return;
    }
    if (ec) {
      AbortSocket(*socket);
      ConnectFailed(mode, ec);
      return;
    }
    auto client = std::make_shared<Client>(*this, mode, std::move(*socket));
    live_.insert(client);
    ModeCounters& counters = Counters(mode);
    ++counters.opened;
    ++counters.open_now;
    client->Start();
  });
}

void Swarm::ConnectFailed(Mode mode, const error_code& ec) {
  ++connect_errors_[ErrorName(ec)];
  to_open_.push_front(mode);
  paused_until_ = Clock::now() + std::chrono::milliseconds(100);
}

void Swarm::Ready(Mode mode) {
  ++Counters(mode).ready_now;
  if (ready_after_s_)
    return;
  for (const Mode each : kModes) {
    if (Counters(each).ready_now < options_.counts[static_cast<std::size_t>(each)])
      return;
  }
  ready_after_s_ = Elapsed();
  std::cerr << "http_edge_clients: all connections open and ready after " << *ready_after_s_
            << " s\n";
  if (!options_.ready_file.empty())
    std::ofstream(options_.ready_file) << *ready_after_s_ << "\n";
}

void Swarm::Ended(const std::shared_ptr<Client>& client, Mode mode, bool was_ready) {
  ModeCounters& counters = Counters(mode);
  --counters.open_now;
  if (was_ready)
    --counters.ready_now;
  live_.erase(client);
  if (!stopping_)
    to_open_.push_back(mode);
}

void Swarm::Watch() {
  if (const auto memory = ReadMemory(options_.watch_pid)) {
    const auto [rss, hwm] = *memory;
    if (memory_.samples++ == 0)
      memory_.rss_first_kb = rss;
    memory_.rss_peak_kb = std::max(memory_.rss_peak_kb, rss);
    memory_.rss_last_kb = rss;
    memory_.hwm_last_kb = hwm;
    if (options_.rss_limit_kb > 0 && rss > options_.rss_limit_kb) {
      memory_.limit_hit = true;
      Stop("rss limit");
      return;
    }
  } else {
    memory_.gone = true;
    Stop("watched process gone");
    return;
  }
  watcher_.expires_after(std::chrono::milliseconds(100));
  watcher_.async_wait([this](const error_code& ec) {
    if (!ec)
      Watch();
  });
}

void Swarm::Stop(const char* why) {
  if (stopping_)
    return;
  stopping_ = true;
  stop_reason_ = why;
  opener_.cancel();
  watcher_.cancel();
  deadline_.cancel();
  signals_.cancel();
  for (const std::shared_ptr<Client>& client : live_)
    client->Abort();
  live_.clear();
  for (const std::shared_ptr<tcp::socket>& socket : connecting_)
    AbortSocket(*socket);  // their handlers run with operation_aborted
  connecting_.clear();
}

nlohmann::json Swarm::Report() const {
  nlohmann::json report = {
      {"duration_s", Elapsed()},
      {"stopped_by", stop_reason_},
      {"ready_after_s", ready_after_s_ ? nlohmann::json(*ready_after_s_) : nlohmann::json(nullptr)},
      {"connect_errors", connect_errors_}};
  for (const Mode mode : kModes) {
    const auto index = static_cast<std::size_t>(mode);
    if (options_.counts[index] == 0)
      continue;
    const ModeCounters& counters = counters_[index];
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, count] : counters.statuses)
      statuses[std::to_string(status)] = count;
    report[NameOf(mode)] = {
        {"target", options_.counts[index]},
        {"opened", counters.opened},
        {"reopened", std::max<std::int64_t>(0, counters.opened - options_.counts[index])},
        {"open_at_end", counters.open_now},
        {"closed_by_server", counters.closed_by_server},
        {"reset_by_server", counters.reset_by_server},
        {"statuses", statuses},
        {"errors", counters.errors},
        {"bytes_sent", counters.bytes_sent}};
  }
  if (options_.watch_pid > 0) {
    report["watched"] = {{"pid", options_.watch_pid},
                         {"samples", memory_.samples},
                         {"rss_first_kb", memory_.rss_first_kb},
                         {"rss_peak_kb", memory_.rss_peak_kb},
                         {"rss_last_kb", memory_.rss_last_kb},
                         {"hwm_last_kb", memory_.hwm_last_kb},
                         {"rss_limit_kb", options_.rss_limit_kb},
                         {"rss_limit_hit", memory_.limit_hit},
                         {"gone", memory_.gone}};
  }
  return report;
}

// --- Command line ------------------------------------------------------------------------------

[[noreturn]] void Usage(const std::string& problem) {
  std::cerr << "http_edge_clients: " << problem
            << "\nusage: http_edge_clients --port PORT [--host 127.0.0.1] [--idle N]"
               " [--slowloris N] [--endless-chunk N] [--open-rate PER_S]"
               " [--slowloris-interval-ms MS] [--duration S] [--key SECRET] [--ready-file PATH]"
               " [--watch-pid PID] [--rss-limit-mb MB]\n";
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
    const auto whole = [&](double min) {
      if (!number || *number < min ||
          *number != static_cast<double>(static_cast<std::int64_t>(*number))) {
        Usage(flag + " must be a whole number of at least " +
              std::to_string(static_cast<int>(min)));
      }
      return static_cast<std::int64_t>(*number);
    };
    if (flag == "--host") {
      options.host = value;
    } else if (flag == "--port") {
      options.port = static_cast<int>(whole(1));
    } else if (flag == "--idle") {
      options.counts[static_cast<std::size_t>(Mode::kIdle)] = whole(0);
    } else if (flag == "--slowloris") {
      options.counts[static_cast<std::size_t>(Mode::kSlowloris)] = whole(0);
    } else if (flag == "--endless-chunk") {
      options.counts[static_cast<std::size_t>(Mode::kEndlessChunk)] = whole(0);
    } else if (flag == "--open-rate") {
      options.open_rate = static_cast<double>(whole(1));
    } else if (flag == "--slowloris-interval-ms") {
      options.slowloris_interval = std::chrono::milliseconds(whole(1));
    } else if (flag == "--duration" && number && *number >= 0) {
      options.duration_s = *number;
    } else if (flag == "--key") {
      options.key = value;
    } else if (flag == "--ready-file") {
      options.ready_file = value;
    } else if (flag == "--watch-pid") {
      options.watch_pid = static_cast<int>(whole(1));
    } else if (flag == "--rss-limit-mb") {
      options.rss_limit_kb = whole(0) * 1024;
    } else {
      Usage("unknown option or bad value: " + flag + "=" + value);
    }
  }
  if (options.port == 0)
    Usage("--port is required");
  return options;
}

}  // namespace
}  // namespace nedlia::bench

int main(int argc, char** argv) {
  using namespace nedlia::bench;
  try {
    const Options options = ParseOptions(argc, argv);
    boost::asio::io_context io(1);
    Swarm swarm(io, options);
    swarm.Run();
    std::cout << swarm.Report().dump() << std::endl;
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "http_edge_clients: " << error.what() << "\n";
    return 1;
  }
}
