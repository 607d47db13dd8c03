#include "support/event_load.hpp"

#include <chrono>
#include <stop_token>

#include "consumers/consumer.hpp"
#include "consumers/wakeup.hpp"
#include "pg/pool.hpp"
#include "pg/transaction.hpp"

namespace nedlia::testing {

using namespace std::chrono_literals;

EventWriter::EventWriter(std::string url)
    : thread_([this, url = std::move(url)](const std::stop_token& stop) {
        pg::Pool pool({.url = url, .max_size = 1, .acquire_timeout = 2000ms});
        while (!stop.stop_requested()) {
          try {
            pg::RunInTransaction(pool, {}, [](pg::Transaction& tx) {
              tx.Execute(
                  "INSERT INTO event_log (event_type, aggregate_type, aggregate_id, data) "
                  "VALUES ($1, 'test', gen_random_uuid(), '{}')",
                  pg::Params(std::string(kLoadEventType)));
            });
            ++written_;
          } catch (const std::exception&) {
            std::this_thread::sleep_for(50ms);  // not synchronisation: down, the writer retries
          }
          std::this_thread::sleep_for(2ms);  // not synchronisation: the load's pace
        }
      }) {}

void EventWriter::Stop() {
  thread_.request_stop();
  thread_.join();
}

std::jthread RunRecordingConsumer(const std::string& url, std::atomic<int>& handled) {
  return std::jthread([url, &handled](const std::stop_token& stop) {
    pg::Pool pool({.url = url, .max_size = 2, .acquire_timeout = 2000ms});
    consumers::Consumer consumer(
        pool, {.name = "test-consumer", .types = {kLoadEventType}},
        [&handled](const events::StoredEvent& event, pg::Connection& connection) {
          ++handled;
          connection.Execute("INSERT INTO effects VALUES ($1)", pg::Params(event.id));
        });
    consumer.Subscribe();
    consumers::Wakeup wakeup(url);
    const std::stop_callback interrupt(stop, [&wakeup] { wakeup.Interrupt(); });
    consumer.Run(stop, wakeup, 50ms);
  });
}

}  // namespace nedlia::testing
