// The steady mixed write load of bench/chaos, and the webhook receiver it points at:
//   chaos_load --api URL[,URL...] --key KEY --acks FILE --receipts FILE
//              [--writers N] [--videos N] [--products N] [--receiver-port PORT]
// Until SIGUSR1 or SIGTERM, each writer creates placements (with an Idempotency-Key, retried
// with the same key until it is answered, as a careful client does), patches their description
// with a token no other request uses, deletes some, and requests validation runs, spread over
// the API processes (the next one when a process does not answer). Every answer goes to --acks,
// one line, written at once (a line is complete or absent):
//   <unix_ms> <op> <status> <retry_after 0|1> <latency_ms> <resource id|-> <token|->
// status 0 is no answer (refused, reset, timed out after 30 s). SIGUSR1 stops the writers and
// keeps the receiver; SIGTERM ends both. The receiver answers webhook
// deliveries on 127.0.0.1:PORT (503 to one first attempt in ten, so retries happen) and writes
//   <unix_ms> <webhook-id> <event id> <status>
// to --receipts. Only loopback addresses are ever used.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>  // before Asio: its awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

/// Cleared by SIGUSR1 (stop writing, keep receiving webhooks) or SIGTERM.
volatile std::sig_atomic_t writing = 1;
/// Cleared by SIGTERM: the receiver stops too.
volatile std::sig_atomic_t running = 1;

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Lines appended by many threads, each written and flushed whole.
class LineLog {
 public:
  explicit LineLog(const std::string& path) : file_(std::fopen(path.c_str(), "a")) {
    if (file_ == nullptr)
      throw std::runtime_error("cannot open " + path);
  }
  ~LineLog() { std::fclose(file_); }
  LineLog(const LineLog&) = delete;
  LineLog& operator=(const LineLog&) = delete;

  void Write(const std::string& line) {
    const std::lock_guard lock(mutex_);
    std::fputs((line + "\n").c_str(), file_);
    std::fflush(file_);
  }

 private:
  std::mutex mutex_;
  std::FILE* file_;
};

struct Options {
  std::vector<std::string> apis;
  std::string key;
  std::string acks;
  std::string receipts;
  int writers = 8;
  int videos = 20;
  int products = 20;
  int receiver_port = 0;
};

std::string IdOf(int kind, int n) {
  char text[40];
  std::snprintf(text, sizeof text, "%08x-0000-4000-8000-%012x", kind, n);
  return text;
}

struct Answer {
  long status = 0;  ///< 0: no answer
  bool retry_after = false;
  std::string etag;
  std::string body;
};

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* answer) {
  static_cast<Answer*>(answer)->body.append(data, size * count);
  return size * count;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* closure) {
  auto& answer = *static_cast<Answer*>(closure);
  std::string line(data, size * count);
  for (char& c : line)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (line.starts_with("retry-after:"))
    answer.retry_after = true;
  if (line.starts_with("etag:")) {
    std::string value(data + 5, size * count - 5);
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    answer.etag = first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return size * count;
}

/// One writer: its own curl handle (keep-alive), its placements, its random sequence.
class Writer {
 public:
  Writer(const Options& options, int index, LineLog& acks)
      : options_(options),
        index_(index),
        acks_(acks),
        random_(std::random_device{}() + index),
        curl_(curl_easy_init()) {}
  ~Writer() { curl_easy_cleanup(curl_); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void Run() {
    while (writing) {
      const double pick = std::uniform_real_distribution<>(0, 1)(random_);
      if (live_.empty() || pick < 0.45) {
        Create();
      } else if (pick < 0.75) {
        Patch();
      } else if (pick < 0.88) {
        Delete();
      } else {
        Validate();
      }
    }
  }

 private:
  struct Placement {
    std::string id;
    std::string etag;
  };

  Answer Send(const std::string& method, const std::string& path, const std::string& body,
              const std::vector<std::string>& extra_headers) {
    Answer answer;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, ("Authorization: Bearer " + options_.key).c_str());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    for (const std::string& header : extra_headers)
      headers = curl_slist_append(headers, header.c_str());
    const std::string& base = options_.apis[api_ % options_.apis.size()];
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_URL, (base + path).c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty())
      curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 30000L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &OnBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &OnHeader);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &answer);
    if (curl_easy_perform(curl_) == CURLE_OK)
      curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_slist_free_all(headers);
    // A process that does not answer (killed, restarting): the next request goes elsewhere.
    if (answer.status == 0 || answer.status >= 500)
      ++api_;
    return answer;
  }

  void Record(const std::string& op, const Answer& answer, std::int64_t started,
              const std::string& id, const std::string& token) {
    acks_.Write(std::to_string(NowMs()) + " " + op + " " + std::to_string(answer.status) + " " +
                (answer.retry_after ? "1" : "0") + " " + std::to_string(NowMs() - started) + " " +
                (id.empty() ? "-" : id) + " " + (token.empty() ? "-" : token));
  }

  static std::string DataId(const Answer& answer) {
    const nlohmann::json json = nlohmann::json::parse(answer.body, nullptr, false);
    if (json.is_object() && json.contains("data") && json["data"].contains("id"))
      return json["data"]["id"].get<std::string>();
    if (json.is_object() && json.contains("id"))
      return json["id"].get<std::string>();
    return "";
  }

  /// Pauses after an answer that says to (or none at all), so a writer does not spin.
  void Breathe(const Answer& answer) {
    if (answer.status == 0 || answer.status == 503 || answer.status == 429)
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }

  void Create() {
    ++counter_;
    const long long start_ms = (static_cast<long long>(counter_) * 64 + index_) * 2;
    char body[320];
    std::snprintf(body, sizeof body,
                  R"({"video_id":"%s","product_id":"%s","time_range":{"start_time":%lld.%03lld,)"
                  R"("end_time":%lld.%03lld}})",
                  IdOf(2, 1 + static_cast<int>(random_() % options_.videos)).c_str(),
                  IdOf(1, 1 + static_cast<int>(random_() % options_.products)).c_str(),
                  start_ms / 1000, start_ms % 1000, (start_ms + 1) / 1000, (start_ms + 1) % 1000);
    const std::string key = "chaos-" + std::to_string(index_) + "-" + std::to_string(counter_) +
                            "-" + std::to_string(NowMs());
    // The same key until the create is answered: a retry never makes a second placement.
    while (true) {
      const std::int64_t started = NowMs();
      const Answer answer = Send("POST", "/v1/placements", body, {"Idempotency-Key: " + key});
      const std::string id = answer.status == 201 ? DataId(answer) : "";
      Record("create", answer, started, id, key);
      if (answer.status == 201) {
        live_.push_back({id, answer.etag});
        return;
      }
      if ((answer.status != 0 && answer.status < 500 && answer.status != 409 &&
           answer.status != 429) ||
          !writing)
        return;
      Breathe(answer);
    }
  }

  std::size_t AnyLive() {
    return std::uniform_int_distribution<std::size_t>(0, live_.size() - 1)(random_);
  }

  /// After an answer that may or may not have changed the row, its ETag is read again.
  void Refresh(std::size_t which) {
    const Answer answer = Send("GET", "/v1/placements/" + live_[which].id, "", {});
    if (answer.status == 200) {
      live_[which].etag = answer.etag;
    } else if (answer.status == 404) {
      live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(which));
    }
    Breathe(answer);
  }

  void Patch() {
    const std::size_t which = AnyLive();
    const std::string token = "t" + std::to_string(index_) + "x" + std::to_string(++counter_) +
                              "x" + std::to_string(NowMs());
    const std::int64_t started = NowMs();
    const Answer answer =
        Send("PATCH", "/v1/placements/" + live_[which].id, R"({"description":")" + token + R"("})",
             {"If-Match: " + live_[which].etag});
    Record("patch", answer, started, live_[which].id, token);
    if (answer.status == 200) {
      live_[which].etag = answer.etag;
    } else {
      Refresh(which);
    }
  }

  void Delete() {
    const std::size_t which = AnyLive();
    const std::int64_t started = NowMs();
    const Answer answer =
        Send("DELETE", "/v1/placements/" + live_[which].id, "", {"If-Match: " + live_[which].etag});
    Record("delete", answer, started, live_[which].id, "");
    if (answer.status == 204) {
      live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(which));
    } else {
      Refresh(which);
    }
  }

  void Validate() {
    const std::string video = IdOf(2, 1 + static_cast<int>(random_() % options_.videos));
    const std::string key = "chaos-v-" + std::to_string(index_) + "-" + std::to_string(++counter_) +
                            "-" + std::to_string(NowMs());
    const std::int64_t started = NowMs();
    const Answer answer =
        Send("POST", "/v1/videos/" + video + "/validations", "", {"Idempotency-Key: " + key});
    Record("validate", answer, started, answer.status == 202 ? DataId(answer) : "", key);
    Breathe(answer);
  }

  const Options& options_;
  int index_;
  LineLog& acks_;
  std::mt19937 random_;
  CURL* curl_;
  std::size_t api_ = 0;
  int counter_ = 0;
  std::vector<Placement> live_;
};

/// The webhook receiver: one thread per connection (the notifier opens few).
class Receiver {
 public:
  Receiver(int port, LineLog& receipts)
      : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(),
                                     static_cast<unsigned short>(port))),
        receipts_(receipts) {}

  void Start() {
    std::thread([this] { Accept(); }).detach();
  }

 private:
  void Accept() {
    while (true) {
      boost::system::error_code error;
      tcp::socket socket(io_);
      acceptor_.accept(socket, error);
      if (error)
        return;
      std::thread([this, s = std::move(socket)]() mutable { Serve(std::move(s)); }).detach();
    }
  }

  void Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    std::mt19937 random(std::random_device{}());
    try {
      while (true) {
        beast::http::request<beast::http::string_body> request;
        beast::http::read(socket, buffer, request);
        const std::string webhook_id(request["webhook-id"]);
        const nlohmann::json body = nlohmann::json::parse(request.body(), nullptr, false);
        const std::string event_id =
            body.is_object() && body.contains("id") ? body["id"].get<std::string>() : "?";
        const bool refuse = random() % 10 == 0;
        const unsigned status = refuse ? 503 : 200;
        receipts_.Write(std::to_string(NowMs()) + " " + webhook_id + " " + event_id + " " +
                        std::to_string(status));
        beast::http::response<beast::http::string_body> response{
            refuse ? beast::http::status::service_unavailable : beast::http::status::ok,
            request.version()};
        response.keep_alive(request.keep_alive());
        response.prepare_payload();
        beast::http::write(socket, response);
        if (!request.keep_alive())
          return;
      }
    } catch (const std::exception&) {
      // The notifier closed the connection.
    }
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  LineLog& receipts_;
};

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t end = std::min(text.find(',', begin), text.size());
    if (end > begin)
      parts.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return parts;
}

Options Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--api") {
      options.apis = Split(value);
    } else if (flag == "--key") {
      options.key = value;
    } else if (flag == "--acks") {
      options.acks = value;
    } else if (flag == "--receipts") {
      options.receipts = value;
    } else if (flag == "--writers") {
      options.writers = std::stoi(value);
    } else if (flag == "--videos") {
      options.videos = std::stoi(value);
    } else if (flag == "--products") {
      options.products = std::stoi(value);
    } else if (flag == "--receiver-port") {
      options.receiver_port = std::stoi(value);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  for (const std::string& api : options.apis) {
    if (!api.starts_with("http://127.0.0.1:"))
      throw std::invalid_argument("--api must be http://127.0.0.1:PORT (loopback only)");
  }
  if (options.apis.empty() || options.key.empty() || options.acks.empty() ||
      options.receipts.empty() || options.receiver_port == 0)
    throw std::invalid_argument("--api, --key, --acks, --receipts and --receiver-port are needed");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = Parse(argc, argv);
    std::signal(SIGUSR1, [](int) { writing = 0; });
    std::signal(SIGTERM, [](int) {
      writing = 0;
      running = 0;
    });
    std::signal(SIGINT, [](int) {
      writing = 0;
      running = 0;
    });
    curl_global_init(CURL_GLOBAL_DEFAULT);
    LineLog acks(options.acks);
    LineLog receipts(options.receipts);
    Receiver receiver(options.receiver_port, receipts);
    receiver.Start();
    std::cout << "receiving webhooks on 127.0.0.1:" << options.receiver_port << std::endl;
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(options.writers));
    for (int i = 0; i < options.writers; ++i) {
      threads.emplace_back([&options, &acks, i] {
        Writer writer(options, i, acks);
        writer.Run();
      });
    }
    for (std::thread& thread : threads)
      thread.join();
    std::cout << "writers stopped" << std::endl;
    // The receiver answers until the consumers caught up and bench/chaos sends SIGTERM.
    while (running)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // Every line is flushed as written; the receiver's threads may be mid-read: leave at once.
    std::_Exit(0);
  } catch (const std::exception& error) {
    std::cerr << "chaos_load: " << error.what() << "\n";
    return 1;
  }
}
