#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/ports/object_store.hpp"

namespace nedlia::storage {

/// One page of a ListObjectsV2 answer.
struct S3ListPage {
  std::vector<app::ObjectInfo> objects;
  std::optional<std::string> next_token;  ///< set when the listing is truncated
};

/// Reads the ListBucketResult XML (only the elements we use: Contents/Key, Contents/Size,
/// IsTruncated, NextContinuationToken); throws app::ObjectStoreError when it is not one.
S3ListPage ParseListPage(const std::string& xml);

/// The Code and Message of an S3 <Error> body, "" when there is none.
std::string S3ErrorText(const std::string& xml);

}  // namespace nedlia::storage
