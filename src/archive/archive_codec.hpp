#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nedlia::archive {

/// An archive that cannot be trusted: its checksum, its compression stream or its row count
/// is not what its manifest says. Nothing of it is returned.
class ArchiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Writes rows as zstd-compressed JSON Lines, one row per line, compressing as they come.
class ArchiveEncoder {
 public:
  explicit ArchiveEncoder(int level = 3);
  ~ArchiveEncoder();
  ArchiveEncoder(const ArchiveEncoder&) = delete;
  ArchiveEncoder& operator=(const ArchiveEncoder&) = delete;

  /// One row's JSON text; throws std::invalid_argument if it holds a line break.
  void AddLine(std::string_view json);
  /// Ends the stream and hands over the archive's bytes; the encoder is then spent.
  std::string Finish();
  std::int64_t Rows() const { return rows_; }

 private:
  void Compress(std::string_view input, bool end);

  struct Stream;
  std::unique_ptr<Stream> stream_;
  std::string pending_;  ///< lines not yet compressed: zstd is fed in chunks, not line by line
  std::string output_;
  std::int64_t rows_ = 0;
};

/// The rows of an archive, checked against what its manifest says: the SHA-256 of its bytes,
/// a complete zstd stream, and `rows` lines. Throws ArchiveError naming what is wrong.
std::vector<std::string> DecodeArchive(std::string_view bytes, std::string_view sha256_hex,
                                       std::int64_t rows);

/// The same checks as DecodeArchive without keeping the rows: for reading an archive back.
void CheckArchive(std::string_view bytes, std::string_view sha256_hex, std::int64_t rows);

}  // namespace nedlia::archive
