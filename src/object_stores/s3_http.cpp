#include "object_stores/s3_http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <memory>
#include <mutex>

#include "app/ports/object_store.hpp"
#include "crypto/digest.hpp"

namespace nedlia::object_stores {
namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* target) {
  const std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    static_cast<S3Response*>(target)->headers.emplace_back(std::move(name), std::move(value));
  }
  return size * count;
}

std::string HostOf(const std::string& url) {
  const auto start = url.find("://");
  const std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  return rest.substr(0, rest.find('/'));
}

using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using Headers = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

std::string S3Response::Header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name)
      return value;
  }
  return "";
}

std::string AmzDateNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[17];
  std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
  return text;
}

S3Response SendSigned(const S3Endpoint& endpoint, SigV4Request request, const std::string& body) {
  static std::once_flag curl_ready;
  std::call_once(curl_ready, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  const std::string amz_date = AmzDateNow();
  request.payload_sha256 = crypto::Sha256Hex(body);
  request.headers.emplace_back("host", HostOf(endpoint.url));
  request.headers.emplace_back("x-amz-date", amz_date);
  request.headers.emplace_back("x-amz-content-sha256", request.payload_sha256);
  Headers headers(nullptr, curl_slist_free_all);
  auto add = [&](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  for (const auto& [name, value] : request.headers)
    add(name + ": " + value);
  add("Authorization: " + Authorization(request, endpoint.credentials, amz_date));
  add("Expect:");  // no 100-continue round trip
  std::string url = endpoint.url + UriEncode(request.path, true);
  if (!request.query.empty())
    url += "?" + CanonicalQuery(request.query);

  Easy easy(curl_easy_init(), curl_easy_cleanup);
  S3Response response;
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "HEAD")
    curl_easy_setopt(easy.get(), CURLOPT_NOBODY, 1L);
  if (request.method == "PUT") {
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  // Never follow a redirect (curl's default, stated because it matters): it would carry the
  // signed request and its body to whatever host the answer names. The 3xx is returned.
  curl_easy_setopt(easy.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &response);
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(endpoint.timeout.count()));
  curl_easy_setopt(easy.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  const CURLcode result = curl_easy_perform(easy.get());
  if (result != CURLE_OK) {
    throw app::ObjectStoreUnavailable("S3 endpoint " + endpoint.url +
                                      " unreachable: " + curl_easy_strerror(result));
  }
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &response.status);
  return response;
}

}  // namespace nedlia::object_stores
