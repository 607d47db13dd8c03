#include "object_stores/sigv4.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "crypto/digest.hpp"
#include "encoding/hex.hpp"
#include "encoding/percent.hpp"

namespace nedlia::object_stores {
namespace {

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

std::string UriEncode(const std::string& text, bool keep_slash) {
  return encoding::PercentEncodeUnreserved(text, keep_slash);
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
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
         crypto::Sha256Hex(CanonicalRequest(request));
}

std::string Signature(const SigV4Request& request, const SigV4Credentials& credentials,
                      const std::string& amz_date) {
  const std::string date_key =
      crypto::HmacSha256("AWS4" + credentials.secret_access_key, amz_date.substr(0, 8));
  const std::string region_key = crypto::HmacSha256(date_key, credentials.region);
  const std::string service_key = crypto::HmacSha256(region_key, credentials.service);
  const std::string signing_key = crypto::HmacSha256(service_key, "aws4_request");
  const std::string signature =
      crypto::HmacSha256(signing_key, StringToSign(request, credentials, amz_date));
  return encoding::Hex(signature);
}

std::string Authorization(const SigV4Request& request, const SigV4Credentials& credentials,
                          const std::string& amz_date) {
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
         Scope(credentials, amz_date) + ",SignedHeaders=" + SignedHeaders(request) +
         ",Signature=" + Signature(request, credentials, amz_date);
}

}  // namespace nedlia::object_stores
