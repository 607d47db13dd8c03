#pragma once

#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>
#include <thread>

#include "streams/fanout.hpp"
#include "streams/log_reader.hpp"

namespace nedlia::streams {

/// Reads the log for subscribers behind the ring, one page per subscriber in turn, on one
/// thread and one connection whatever their number: a crowd of clients catching up costs one
/// connection, never the API's pool, and never the server's event loop.
class CatchUpReader {
 public:
  struct Options {
    std::string database_url;
    int page_events = 500;                            ///< at most this many events per page
    std::size_t page_bytes = std::size_t{256} << 10;  ///< and (but for one) this many bytes
    std::chrono::milliseconds statement_timeout{15000};
  };

  CatchUpReader(Options options, Fanout& fanout, EventRenderer render, HubMetrics& metrics);
  CatchUpReader(const CatchUpReader&) = delete;
  CatchUpReader& operator=(const CatchUpReader&) = delete;
  CatchUpReader(CatchUpReader&&) = delete;
  CatchUpReader& operator=(CatchUpReader&&) = delete;
  /// Stops at once: a wait is interrupted and a query in progress cancelled.
  ~CatchUpReader();

 private:
  void Loop(const std::stop_token& stop);
  CatchUpPage Read(const Subscriber& subscriber);

  const Options options_;
  Fanout& fanout_;
  const EventRenderer render_;
  HubMetrics& metrics_;
  LogReader reader_;
  std::jthread thread_;  ///< last: started once everything it uses exists
};

}  // namespace nedlia::streams
