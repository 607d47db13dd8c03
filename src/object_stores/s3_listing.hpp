#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/object_store.hpp"

namespace nedlia::object_stores {

/// One page of a ListObjectsV2 answer.
struct S3ListPage {
  std::vector<app::ObjectInfo> objects;
  std::optional<std::string> next_token;  ///< set when the listing is truncated
};

/// Reads the ListBucketResult XML (only the elements we use: Contents/Key, Contents/Size,
/// IsTruncated, NextContinuationToken); throws app::ObjectStoreError when it is not one, or
/// not a whole one (a listing cut short would hide objects from the callers that act on it).
S3ListPage ParseListPage(const std::string& xml);

/// The size S3 gives an object (a listing's <Size>, a HEAD's Content-Length): decimal digits
/// that fit 64 bits; nullopt for anything else.
std::optional<std::uint64_t> ParseObjectSize(std::string_view text);

/// The Code and Message of an S3 <Error> body, "" when there is none.
std::string S3ErrorText(const std::string& xml);

}  // namespace nedlia::object_stores
