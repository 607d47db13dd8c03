#include "storage/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace nedlia::storage {
namespace {

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += kDigits[data[i] >> 4];
    hex += kDigits[data[i] & 0xF];
  }
  return hex;
}

std::string Hmac(const std::string& key, const std::string& message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
       &size);
  return std::string(reinterpret_cast<const char*>(digest.data()), size);
}

std::string Trimmed(const std::string& value) {
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos)
    return "";
  return value.substr(first, value.find_last_not_of(" \t") - first + 1);
}

std::vector<std::pair<std::string, std::string>> SortedHeaders(const SigV4Request& request) {
  auto headers = request.headers;
  for (auto& [name, value] : headers) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    value = Trimmed(value);
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

std::string SignedHeaders(const SigV4Request& request) {
  std::string names;
  for (const auto& [name, value] : SortedHeaders(request))
    names += (names.empty() ? "" : ";") + name;
  return names;
}

std::string Scope(const SigV4Credentials& credentials, const std::string& amz_date) {
  return amz_date.substr(0, 8) + "/" + credentials.region + "/" + credentials.service +
         "/aws4_request";
}

}  // namespace

std::string HexSha256(const std::string& bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  return Hex(digest.data(), digest.size());
}

std::string UriEncode(const std::string& text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' ||
        (keep_slash && c == '/')) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kDigits[c >> 4];
      encoded += kDigits[c & 0xF];
    }
  }
  return encoded;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [name, value] : query)
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string text;
  for (const auto& [name, value] : encoded)
    text += (text.empty() ? "" : "&") + name + "=" + value;
  return text;
}

std::string CanonicalRequest(const SigV4Request& request) {
  std::string canonical = request.method + "\n" + UriEncode(request.path, true) + "\n" +
                          CanonicalQuery(request.query) + "\n";
  for (const auto& [name, value] : SortedHeaders(request))
    canonical += name + ":" + value + "\n";
  return canonical + "\n" + SignedHeaders(request) + "\n" + request.payload_sha256;
}

std::string StringToSign(const SigV4Request& request, const SigV4Credentials& credentials,
                         const std::string& amz_date) {
  return "AWS4-HMAC-SHA256\n" + amz_date + "\n" + Scope(credentials, amz_date) + "\n" +
         HexSha256(CanonicalRequest(request));
}

std::string Signature(const SigV4Request& request, const SigV4Credentials& credentials,
                      const std::string& amz_date) {
  const std::string date_key = Hmac("AWS4" + credentials.secret_access_key, amz_date.substr(0, 8));
  const std::string region_key = Hmac(date_key, credentials.region);
  const std::string service_key = Hmac(region_key, credentials.service);
  const std::string signing_key = Hmac(service_key, "aws4_request");
  const std::string signature = Hmac(signing_key, StringToSign(request, credentials, amz_date));
  return Hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

std::string Authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                          const std::string& amz_date) {
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
         Scope(credentials, amz_date) + ",SignedHeaders=" + SignedHeaders(request) +
         ",Signature=" + Signature(request, credentials, amz_date);
}

}  // namespace nedlia::storage
