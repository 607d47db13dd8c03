#include "support/webhook_receiver.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "http/server.hpp"
#include "support/exchange_log.hpp"

namespace nedlia::testing {
namespace {

std::string Base64(const unsigned char* bytes, std::size_t size) {
  std::string text((size + 2) / 3 * 4 + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes, static_cast<int>(size));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

/// The Standard Webhooks verification a receiver does, written from the specification.
bool Verify(const std::string& secret, const ReceivedWebhook& request) {
  if (secret.rfind("whsec_", 0) != 0 || request.id.empty() || request.timestamp.empty())
    return false;
  const std::string encoded = secret.substr(6);
  std::vector<unsigned char> key(encoded.size());
  int length = EVP_DecodeBlock(key.data(), reinterpret_cast<const unsigned char*>(encoded.data()),
                               static_cast<int>(encoded.size()));
  if (length < 0)
    return false;
  // EVP_DecodeBlock counts the bytes that padding stands for.
  for (auto it = encoded.rbegin(); it != encoded.rend() && *it == '='; ++it)
    --length;
  const std::string content = request.id + "." + request.timestamp + "." + request.body;
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_length = 0;
  HMAC(EVP_sha256(), key.data(), length, reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac.data(), &mac_length);
  const std::string expected = "v1," + Base64(mac.data(), mac_length);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const bool fresh = std::llabs(now - std::stoll(request.timestamp)) <= 300;
  // The header may carry several space-separated signatures; one matching is enough.
  std::size_t start = 0;
  while (start <= request.signature.size()) {
    const std::size_t end = request.signature.find(' ', start);
    if (request.signature.substr(start, end - start) == expected)
      return fresh;
    if (end == std::string::npos)
      break;
    start = end + 1;
  }
  return false;
}

/// 100 MiB of 'x', 64 KiB per Take: an answer no notifier should read to the end.
class HugeBody : public http::BodySource {
 public:
  void Start(std::function<void()> wake) override {
    wake_ = std::move(wake);
    wake_();
  }
  bool Take(std::string& out) override {
    out.append(std::size_t{64} * 1024, 'x');
    const bool more = ++pieces_ < 1600;
    if (more)
      wake_();  // the next piece is ready at once
    return more;
  }
  std::string Stop(http::StreamEnd) override { return ""; }

 private:
  std::function<void()> wake_;
  int pieces_ = 0;
};

std::string HeaderOr(const http::Request& request, std::string_view name) {
  const auto value = request.Header(name);
  return value ? std::string(*value) : std::string();
}

}  // namespace

struct WebhookReceiver::Answer {
  ReceiverMode mode = ReceiverMode::kOk;
  std::string secret;  ///< the endpoint's, when the request arrived
};

WebhookReceiver::WebhookReceiver() {
  server_ = std::make_unique<http::Server>(
      http::ServerOptions{.host = "127.0.0.1",
                          .port = 0,
                          .max_body_bytes = std::size_t{8} * 1024 * 1024,
                          .shutdown_grace = std::chrono::seconds(2)},
      [this](http::Request& request) {
        ReceivedWebhook received{.id = HeaderOr(request, "webhook-id"),
                                 .timestamp = HeaderOr(request, "webhook-timestamp"),
                                 .signature = HeaderOr(request, "webhook-signature"),
                                 .content_type = HeaderOr(request, "content-type"),
                                 .body = request.body};
        const Answer answer = Record(request.path, std::move(received));
        // An endpoint given a secret stands for an integrator: the run's conformance check
        // reads what it got as one would. One without is a sink for a test's own rows.
        if (request.Header("webhook-id") && !answer.secret.empty()) {
          ExchangeLog::Headers headers;
          for (const http::HeaderField& field : request.headers)
            headers.emplace_back(field.name, field.value);
          ExchangeLog::WebhookDelivery(answer.secret, headers, request.body);
        }
        http::Response response{.status = 200, .headers = {}, .body = "ok"};
        switch (answer.mode) {
          case ReceiverMode::kOk:
            break;
          case ReceiverMode::kFail:
            response.status = 500;
            break;
          case ReceiverMode::kHang: {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [this] { return stopping_; });
            break;
          }
          case ReceiverMode::kRedirect:
            response.status = 302;
            response.headers.push_back({"Location", "/elsewhere"});
            break;
          case ReceiverMode::kHugeBody:
            response.source = std::make_shared<HugeBody>();
            break;
        }
        return response;
      });
  server_->Start();
  thread_ = std::thread([this] { server_->Run(); });
}

WebhookReceiver::~WebhookReceiver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  server_->Stop();
  thread_.join();
}

std::string WebhookReceiver::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(server_->Port()) + path;
}

void WebhookReceiver::SetSecret(const std::string& path, const std::string& secret) {
  std::lock_guard lock(mutex_);
  endpoints_[path].secret = secret;
}

void WebhookReceiver::SetMode(const std::string& path, ReceiverMode mode) {
  std::lock_guard lock(mutex_);
  endpoints_[path].mode = mode;
}

void WebhookReceiver::FailNext(const std::string& path, int count) {
  std::lock_guard lock(mutex_);
  endpoints_[path].fail_next = count;
}

std::vector<ReceivedWebhook> WebhookReceiver::Received(const std::string& path) const {
  std::lock_guard lock(mutex_);
  const auto found = endpoints_.find(path);
  return found == endpoints_.end() ? std::vector<ReceivedWebhook>() : found->second.received;
}

bool WebhookReceiver::WaitFor(const std::string& path, std::size_t count,
                              std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    const auto found = endpoints_.find(path);
    return found != endpoints_.end() && found->second.received.size() >= count;
  });
}

WebhookReceiver::Answer WebhookReceiver::Record(const std::string& path, ReceivedWebhook request) {
  Answer answer;
  {
    std::lock_guard lock(mutex_);
    Endpoint& endpoint = endpoints_[path];
    request.signature_valid = Verify(endpoint.secret, request);
    endpoint.received.push_back(std::move(request));
    answer.mode = endpoint.mode;
    answer.secret = endpoint.secret;
    if (endpoint.fail_next > 0) {
      --endpoint.fail_next;
      answer.mode = ReceiverMode::kFail;
    }
  }
  changed_.notify_all();
  return answer;
}

std::uint64_t WebhookReceiver::ConnectionsAccepted() const {
  return server_->Stats().connections_accepted;
}

}  // namespace nedlia::testing
