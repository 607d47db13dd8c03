#include "object_stores/s3_listing.hpp"

#include <charconv>

namespace nedlia::object_stores {
namespace {

// S3's answers are flat and machine-made: reading the few elements we need by their tags is
// enough, and keeps an XML library out of the build.
std::optional<std::string> Element(const std::string& xml, const std::string& tag,
                                   std::size_t& from, std::size_t until) {
  const std::string open = "<" + tag + ">";
  const std::string close = "</" + tag + ">";
  const auto start = xml.find(open, from);
  if (start == std::string::npos || start >= until)
    return std::nullopt;
  const auto end = xml.find(close, start);
  if (end == std::string::npos || end > until)
    return std::nullopt;
  from = end + close.size();
  return xml.substr(start + open.size(), end - start - open.size());
}

std::string Unescaped(std::string text) {
  static const std::pair<std::string, std::string> kEntities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, character] : kEntities) {
    for (auto at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
      text.replace(at, entity.size(), character);
  }
  return text;
}

}  // namespace

std::optional<std::uint64_t> ParseObjectSize(std::string_view text) {
  std::uint64_t size = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (text.empty() || error != std::errc() || end != text.data() + text.size())
    return std::nullopt;
  return size;
}

S3ListPage ParseListPage(const std::string& xml) {
  if (xml.find("<ListBucketResult") == std::string::npos ||
      xml.find("</ListBucketResult>") == std::string::npos) {
    throw app::ObjectStoreError("S3 listing is not a whole ListBucketResult: " +
                                xml.substr(0, 200));
  }
  S3ListPage page;
  std::size_t at = 0;
  while (true) {
    std::size_t probe = at;
    const auto contents = Element(xml, "Contents", probe, xml.size());
    if (!contents)
      break;
    at = probe;
    std::size_t inner = 0;
    const auto key = Element(*contents, "Key", inner, contents->size());
    inner = 0;
    const auto size = Element(*contents, "Size", inner, contents->size());
    if (!key || !size)
      throw app::ObjectStoreError("S3 listing entry without Key or Size");
    const std::optional<std::uint64_t> bytes = ParseObjectSize(*size);
    if (!bytes)
      throw app::ObjectStoreError("S3 listing entry with a Size that is not a number of bytes");
    page.objects.push_back({.key = Unescaped(*key), .size = *bytes, .content_type = ""});
  }
  std::size_t from = 0;
  const auto truncated = Element(xml, "IsTruncated", from, xml.size());
  from = 0;
  const auto token = Element(xml, "NextContinuationToken", from, xml.size());
  if (truncated == "true" && token)
    page.next_token = Unescaped(*token);
  return page;
}

std::string S3ErrorText(const std::string& xml) {
  std::size_t from = 0;
  const auto code = Element(xml, "Code", from, xml.size());
  from = 0;
  const auto message = Element(xml, "Message", from, xml.size());
  if (!code)
    return "";
  return Unescaped(*code) + (message ? ": " + Unescaped(*message) : "");
}

}  // namespace nedlia::object_stores
