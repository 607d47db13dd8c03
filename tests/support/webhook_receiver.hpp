#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nedlia::http {
class Server;
}

namespace nedlia::testing {

/// How an endpoint of the receiver answers.
enum class ReceiverMode {
  kOk,        ///< 200
  kFail,      ///< 500
  kHang,      ///< never answers (until the receiver stops)
  kRedirect,  ///< 302 to another of its endpoints
  kHugeBody,  ///< 200 with a body of 100 MB, streamed
};

/// One request an endpoint received, with the Standard Webhooks headers.
struct ReceivedWebhook {
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string content_type;
  std::string body;
  /// The signature checked on arrival, independently of the notifier's code (OpenSSL HMAC
  /// over "id.timestamp.body" with the endpoint's secret), and the timestamp within 5 minutes.
  bool signature_valid = false;
};

/// A real HTTP server on 127.0.0.1 (our own http::Server) standing in for webhook receivers:
/// each path is an endpoint with its secret and its mode; it records every request.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  /// http://127.0.0.1:<port><path>
  std::string Url(const std::string& path) const;
  void SetSecret(const std::string& path, const std::string& secret);
  void SetMode(const std::string& path, ReceiverMode mode);
  /// The next `count` requests to `path` are answered 500, then its mode applies again.
  void FailNext(const std::string& path, int count);
  std::vector<ReceivedWebhook> Received(const std::string& path) const;
  /// Connections opened to it so far.
  std::uint64_t ConnectionsAccepted() const;
  /// Waits until `path` received `count` requests; false on timeout.
  bool WaitFor(const std::string& path, std::size_t count,
               std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

 private:
  struct Endpoint {
    std::string secret;
    ReceiverMode mode = ReceiverMode::kOk;
    int fail_next = 0;
    std::vector<ReceivedWebhook> received;
  };
  struct Answer;

  Answer Record(const std::string& path, ReceivedWebhook request);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool stopping_ = false;
  std::map<std::string, Endpoint> endpoints_;
  std::unique_ptr<http::Server> server_;
  std::thread thread_;
};

}  // namespace nedlia::testing
