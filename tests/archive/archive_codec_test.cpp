// The archive format: zstd-compressed JSON Lines checked against their manifest's SHA-256 and
// row count; a corrupt, truncated or miscounted archive is refused whole.
#include "archive/archive_codec.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/digest.hpp"

namespace nedlia::archive {
namespace {

std::vector<std::string> Rows(int count) {
  std::vector<std::string> rows;
  for (int i = 0; i < count; ++i)
    rows.push_back(R"({"id":)" + std::to_string(i) + R"(,"description":"placement \")" +
                   std::to_string(i * 7) + R"(\" éü"})");
  return rows;
}

std::string Encode(const std::vector<std::string>& rows) {
  ArchiveEncoder encoder;
  for (const std::string& row : rows)
    encoder.AddLine(row);
  EXPECT_EQ(encoder.Rows(), static_cast<std::int64_t>(rows.size()));
  return encoder.Finish();
}

template <class Work>
std::string ErrorOf(Work&& work) {
  try {
    work();
  } catch (const ArchiveError& error) {
    return error.what();
  }
  return "";
}

TEST(ArchiveCodecTest, RowsRoundTripCompressed) {
  const std::vector<std::string> rows = Rows(20'000);
  const std::string bytes = Encode(rows);
  std::size_t raw = 0;
  for (const std::string& row : rows)
    raw += row.size() + 1;
  EXPECT_LT(bytes.size(), raw / 4) << "zstd compresses repetitive rows";
  EXPECT_EQ(DecodeArchive(bytes, crypto::Sha256Hex(bytes), 20'000), rows);
  EXPECT_EQ(DecodeArchive(Encode({}), crypto::Sha256Hex(Encode({})), 0),
            std::vector<std::string>{});
}

TEST(ArchiveCodecTest, AChangedByteIsRefusedByTheChecksum) {
  const std::string bytes = Encode(Rows(100));
  const std::string sha = crypto::Sha256Hex(bytes);
  std::string changed = bytes;
  changed[changed.size() / 2] ^= 0x01;
  EXPECT_NE(ErrorOf([&] { DecodeArchive(changed, sha, 100); }).find("SHA-256"), std::string::npos);
}

TEST(ArchiveCodecTest, ATruncatedOrCorruptStreamIsRefusedEvenWithAMatchingChecksum) {
  const std::string bytes = Encode(Rows(5'000));
  const std::string truncated = bytes.substr(0, bytes.size() - 20);
  EXPECT_NE(ErrorOf([&] { DecodeArchive(truncated, crypto::Sha256Hex(truncated), 5'000); }), "")
      << "a manifest written for cut bytes still fails: the stream does not end";
  std::string corrupt = bytes;
  corrupt[corrupt.size() / 2] ^= 0x55;
  EXPECT_NE(ErrorOf([&] { DecodeArchive(corrupt, crypto::Sha256Hex(corrupt), 5'000); }), "")
      << "zstd's own frame checksum catches what a forged manifest does not";
}

TEST(ArchiveCodecTest, ARowCountOtherThanTheManifestsIsRefused) {
  const std::string bytes = Encode(Rows(10));
  EXPECT_EQ(ErrorOf([&] { DecodeArchive(bytes, crypto::Sha256Hex(bytes), 11); }),
            "the archive holds 10 rows, its manifest says 11");
}

TEST(ArchiveCodecTest, ARowWithALineBreakIsRejected) {
  ArchiveEncoder encoder;
  EXPECT_THROW(encoder.AddLine("{\"a\":\n1}"), std::invalid_argument);
}

}  // namespace
}  // namespace nedlia::archive
