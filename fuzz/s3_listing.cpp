// What an S3 endpoint answers, as the S3 object store reads it: a ListObjectsV2 page (keys,
// sizes, continuation token), an <Error> body, and then the checks List puts on each listed
// key. A page that reads must come back the same from the XML S3 would write for it.
#include "object_stores/s3_listing.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

#include "app/ports/object_store.hpp"
#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

std::string Escaped(std::string_view text) {
  std::string escaped;
  for (const char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string XmlOf(const object_stores::S3ListPage& page) {
  std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult "
      "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>archive</Name>";
  for (const app::ObjectInfo& object : page.objects) {
    xml += "<Contents><Key>" + Escaped(object.key) + "</Key><Size>" + std::to_string(object.size) +
           "</Size><StorageClass>STANDARD</StorageClass></Contents>";
  }
  xml += std::string("<IsTruncated>") + (page.next_token ? "true" : "false") + "</IsTruncated>";
  if (page.next_token)
    xml += "<NextContinuationToken>" + Escaped(*page.next_token) + "</NextContinuationToken>";
  return xml + "</ListBucketResult>";
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  using nedlia::app::ObjectStoreError;
  const std::string xml(AsText(data, size));
  (void)nedlia::object_stores::S3ErrorText(xml);
  if (const auto length = nedlia::object_stores::ParseObjectSize(xml.substr(0, xml.find('\n'))))
    Check(nedlia::object_stores::ParseObjectSize(std::to_string(*length)) == length,
          "a size round-trips");
  const auto page =
      ParseOr<ObjectStoreError>([&] { return nedlia::object_stores::ParseListPage(xml); });
  if (!page)
    return 0;
  Check(xml.find("</ListBucketResult>") != std::string::npos, "a page that reads is whole");
  const auto again = ParseOr<ObjectStoreError>(
      [&] { return nedlia::object_stores::ParseListPage(XmlOf(*page)); },
      [](const ObjectStoreError& error) {
        Fail(std::string("S3's XML for a page that read is refused: ") + error.what());
      });
  Check(again->next_token == page->next_token && again->objects.size() == page->objects.size(),
        "a page reads back the same");
  for (std::size_t i = 0; i < page->objects.size(); ++i) {
    Check(again->objects[i].key == page->objects[i].key &&
              again->objects[i].size == page->objects[i].size,
          "each object reads back the same");
    ParseOr<ObjectStoreError>([&] {
      nedlia::app::CheckObjectKey(page->objects[i].key);
      return true;
    });
  }
  return 0;
}
