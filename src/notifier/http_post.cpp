#include "notifier/http_post.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace nedlia::notifier {
namespace {

/// Counts the response bytes and stops reading past the cap: a huge body never holds a sender.
struct BodyCap {
  std::size_t read = 0;
  std::size_t limit = 0;
  bool exceeded = false;
};

std::size_t CountBody(char*, std::size_t size, std::size_t count, void* user) {
  auto* cap = static_cast<BodyCap*>(user);
  cap->read += size * count;
  if (cap->read > cap->limit) {
    cap->exceeded = true;
    return 0;  // libcurl aborts the transfer (CURLE_WRITE_ERROR)
  }
  return size * count;
}

void InitialiseCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

void Configure(CURL* curl, const std::string& url, const curl_slist* headers,
               const std::string& body, const SenderOptions& options, BodyCap& cap) {
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: threads
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "nedlia-webhooks/1");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CountBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &cap);
}

}  // namespace

std::string PostOutcome::Describe() const {
  if (!error.empty())
    return error;
  return "HTTP " + std::to_string(status);
}

PostOutcome Post(const std::string& url, const std::vector<std::string>& headers,
                 const std::string& body, const SenderOptions& options) {
  InitialiseCurlOnce();
  Easy curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl)
    return {.status = 0, .error = "could not create an HTTP client"};
  curl_slist* raw = nullptr;
  for (const std::string& header : headers)
    raw = curl_slist_append(raw, header.c_str());
  // No "Expect: 100-continue" round trip before the body.
  HeaderList list(curl_slist_append(raw, "Expect:"), curl_slist_free_all);
  BodyCap cap{.read = 0, .limit = options.max_response_bytes, .exceeded = false};
  Configure(curl.get(), url, list.get(), body, options, cap);
  const CURLcode code = curl_easy_perform(curl.get());
  PostOutcome outcome;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &outcome.status);
  // A body cut short by our cap is not the receiver's fault: its status decides.
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && cap.exceeded))
    outcome.error = curl_easy_strerror(code);
  return outcome;
}

}  // namespace nedlia::notifier
