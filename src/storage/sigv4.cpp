#include "storage/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

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

// AWS's Trimall: no white space around the value, and each run of spaces inside made one.
std::string Trimmed(const std::string& value) {
  std::string trimmed;
  for (const char c : value) {
    const bool space = c == ' ' || c == '\t';
    if (space && (trimmed.empty() || trimmed.back() == ' '))
      continue;
    trimmed += space ? ' ' : c;
  }
  if (!trimmed.empty() && trimmed.back() == ' ')
    trimmed.pop_back();
  return trimmed;
}

// Names lowercased and sorted; the values of a name given more than once joined with commas,
// in the order given, as AWS's canonical headers require.
std::map<std::string, std::string> CanonicalHeaders(const SigV4Request& request) {
  std::map<std::string, std::string> headers;
  for (const auto& [given_name, value] : request.headers) {
    std::string name = given_name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto [it, added] = headers.emplace(std::move(name), Trimmed(value));
    if (!added)
      it->second += "," + Trimmed(value);
  }
  return headers;
}

std::string SignedHeaders(const SigV4Request& request) {
  std::string names;
  for (const auto& [name, value] : CanonicalHeaders(request))
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
  for (const auto& [name, value] : CanonicalHeaders(request))
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
