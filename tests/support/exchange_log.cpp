#include "support/exchange_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

namespace nedlia::testing {
namespace {

std::optional<std::filesystem::path> Directory() {
  const char* dir = std::getenv("NEDLIA_TEST_EXCHANGES_DIR");
  if (dir == nullptr || *dir == '\0')
    return std::nullopt;
  return std::filesystem::path(dir);
}

std::string CurrentTest() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  return test == nullptr ? std::string("(outside a test)")
                         : std::string(test->test_suite_name()) + "." + test->name();
}

nlohmann::json HeaderObject(const ExchangeLog::Headers& headers) {
  nlohmann::json object = nlohmann::json::object();
  for (const auto& [name, value] : headers) {
    std::string lower = name;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Repeated fields join as RFC 9110 §5.3 has it.
    object[lower] =
        object.contains(lower) ? object[lower].get<std::string>() + ", " + value : value;
  }
  return object;
}

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void ExchangeLog::Append(nlohmann::json record) {
  static std::mutex mutex;
  const auto dir = Directory();
  if (!dir)
    return;
  record["test"] = CurrentTest();
  // Bodies are bytes: what is not UTF-8 is replaced, the check then fails on it visibly.
  const std::string line =
      record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::lock_guard lock(mutex);
  std::filesystem::create_directories(*dir);
  std::ofstream out(*dir / ("exchanges-" + std::to_string(getpid()) + ".jsonl"),
                    std::ios::app | std::ios::binary);
  out << line;
  if (!out)
    ADD_FAILURE() << "could not record an exchange in " << dir->string();
}

void ExchangeLog::Response(const std::string& method, const std::string& target, long status,
                           const Headers& headers, const std::string& body) {
  Append({{"kind", "response"},
          {"method", method},
          {"target", target},
          {"status", status},
          {"headers", HeaderObject(headers)},
          {"body", body}});
}

void ExchangeLog::WebhookDelivery(const std::string& secret, const Headers& headers,
                                  const std::string& body) {
  Append({{"kind", "webhook"},
          {"secret", secret},
          {"received_at_ms", NowMs()},
          {"headers", HeaderObject(headers)},
          {"body", body}});
}

void ExchangeLog::EventStream(const std::string& received) {
  Append({{"kind", "stream"}, {"received", received}});
}

void ExchangeLog::Published(const std::string& name, const nlohmann::json& document) {
  const auto dir = Directory();
  if (!dir)
    return;
  const std::filesystem::path target = *dir / name;
  if (std::filesystem::exists(target))
    return;
  // Written aside and renamed: tests in parallel each write the same document.
  const std::filesystem::path partial = *dir / (name + "." + std::to_string(getpid()) + ".partial");
  std::filesystem::create_directories(*dir);
  std::ofstream(partial, std::ios::binary) << document.dump(1);
  std::error_code ignored;
  std::filesystem::rename(partial, target, ignored);
}

}  // namespace nedlia::testing
