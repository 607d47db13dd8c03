#pragma once
// A small libcurl client for the HTTP tests: real loopback connections, nothing mocked.

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/header_fields.hpp"

namespace nedlia::http::testing {

/// What one exchange produced.
struct HttpResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::vector<HeaderField> headers;  ///< of the final response (not of a 100 Continue)
  long new_connections = 0;          ///< connections curl opened for this request (0: reused)

  std::optional<std::string> Header(std::string_view name) const {
    const auto value = FindHeader(headers, name);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
  }
};

/// One curl easy handle: consecutive requests reuse its connection (keep-alive).
class CurlClient {
 public:
  CurlClient() {
    static const CURLcode initialized = curl_global_init(CURL_GLOBAL_DEFAULT);
    (void)initialized;
    handle_ = curl_easy_init();
  }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;
  ~CurlClient() { curl_easy_cleanup(handle_); }

  HttpResult Get(const std::string& url) { return Send("GET", url); }

  /// `method` with `body` (sent when not empty) and extra "Name: value" header lines.
  HttpResult Send(const std::string& method, const std::string& url, const std::string& body = "",
                  const std::vector<std::string>& header_lines = {}) {
    curl_easy_reset(handle_);  // keeps the connection cache
    HttpResult result;
    curl_slist* list = nullptr;
    for (const std::string& line : header_lines) {
      list = curl_slist_append(list, line.c_str());
    }
    curl_easy_setopt(handle_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(handle_, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, list);
    if (method == "HEAD") {
      curl_easy_setopt(handle_, CURLOPT_NOBODY, 1L);
    } else if (method != "GET" || !body.empty()) {
      curl_easy_setopt(handle_, CURLOPT_CUSTOMREQUEST, method.c_str());
    }
    if (!body.empty()) {
      curl_easy_setopt(handle_, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(handle_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    curl_easy_setopt(handle_, CURLOPT_WRITEFUNCTION, &CurlClient::OnBody);
    curl_easy_setopt(handle_, CURLOPT_WRITEDATA, &result.body);
    curl_easy_setopt(handle_, CURLOPT_HEADERFUNCTION, &CurlClient::OnHeader);
    curl_easy_setopt(handle_, CURLOPT_HEADERDATA, &result.headers);
    result.code = curl_easy_perform(handle_);
    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &result.status);
    curl_easy_getinfo(handle_, CURLINFO_NUM_CONNECTS, &result.new_connections);
    curl_slist_free_all(list);
    return result;
  }

 private:
  static std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* body) {
    static_cast<std::string*>(body)->append(data, size * count);
    return size * count;
  }

  static std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* headers) {
    auto& fields = *static_cast<std::vector<HeaderField>*>(headers);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
      fields.clear();  // a new status line: forget the fields of a 100 Continue
    }
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
        value.remove_prefix(1);
      }
      while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
        value.remove_suffix(1);
      }
      fields.push_back({std::string(line.substr(0, colon)), std::string(value)});
    }
    return size * count;
  }

  CURL* handle_;
};

/// Sends `bytes` on a fresh loopback connection to `port` and returns everything the server
/// sends until it closes the connection (or 5 s pass). For requests curl would not send.
inline std::string RawExchange(std::uint16_t port, std::string_view bytes) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string received;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    if (!bytes.empty()) {
      (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
      received.append(buffer, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  return received;
}

}  // namespace nedlia::http::testing
