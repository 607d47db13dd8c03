// What S3 answers to a ListObjectsV2, read without a network.
#include "object_stores/s3_listing.hpp"

#include <gtest/gtest.h>

namespace nedlia::object_stores {
namespace {

constexpr const char* kPage =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>archive</Name>"
    "<Contents><Key>wal/a&amp;b.zst</Key><Size>16777216</Size></Contents>"
    "<Contents><Key>wal/c.zst</Key><Size>0</Size></Contents>"
    "<IsTruncated>true</IsTruncated><NextContinuationToken>1&lt;2</NextContinuationToken>"
    "</ListBucketResult>";

std::string WithSize(std::string_view size) {
  return std::string("<ListBucketResult><Contents><Key>k</Key><Size>") + std::string(size) +
         "</Size></Contents></ListBucketResult>";
}

TEST(S3ListingTest, ReadsKeysSizesAndTheContinuationToken) {
  const S3ListPage page = ParseListPage(kPage);
  ASSERT_EQ(page.objects.size(), 2U);
  EXPECT_EQ(page.objects[0].key, "wal/a&b.zst");
  EXPECT_EQ(page.objects[0].size, 16777216U);
  EXPECT_EQ(page.next_token, "1<2");
}

// Found by fuzz/s3_listing: std::stoull threw std::invalid_argument (or out_of_range) past the
// store's error type, and read "-1" as 18446744073709551615.
TEST(S3ListingTest, ASizeThatIsNotANumberOfBytesIsAStoreError) {
  for (const char* size : {"", "ten", "-1", " 1", "1x", "18446744073709551616"})
    EXPECT_THROW(ParseListPage(WithSize(size)), app::ObjectStoreError) << size;
  EXPECT_EQ(ParseListPage(WithSize("18446744073709551615")).objects[0].size, 18446744073709551615U);
}

// A listing cut short would hide objects from retention and restore, which act on it.
TEST(S3ListingTest, AListingCutShortIsAStoreError) {
  const std::string page = kPage;
  EXPECT_THROW(ParseListPage(page.substr(0, page.find("<Contents><Key>wal/c"))),
               app::ObjectStoreError);
}

}  // namespace
}  // namespace nedlia::object_stores
