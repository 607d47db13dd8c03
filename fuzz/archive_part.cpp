// The parts of an archive (zstd-compressed JSON Lines) as `archive verify` and `restore` read
// them back from the object store: the checksum, the zstd stream, the row count. The input is
// a row count (its first two bytes) and the part's bytes; the checksum is computed, so that
// the decoder sees every stream. What decodes must re-encode to the same rows.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "archive/archive_codec.hpp"
#include "crypto/digest.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  using nedlia::archive::ArchiveError;
  if (size < 2)
    return 0;
  const std::int64_t rows = data[0] * 256 + data[1];
  const std::string_view bytes = AsText(data + 2, size - 2);
  const std::string sha256 = nedlia::crypto::Sha256Hex(bytes);
  const auto lines =
      ParseOr<ArchiveError>([&] { return nedlia::archive::DecodeArchive(bytes, sha256, rows); });
  const bool checked = ParseOr<ArchiveError>([&] {
                         nedlia::archive::CheckArchive(bytes, sha256, rows);
                         return true;
                       }).has_value();
  Check(checked == lines.has_value(), "checking and decoding agree");
  Check(!ParseOr<ArchiveError>(
            [&] { return nedlia::archive::DecodeArchive(bytes, std::string(64, '0'), rows); }),
        "a part whose checksum differs is refused");
  if (!lines)
    return 0;
  Check(static_cast<std::int64_t>(lines->size()) == rows, "a part holds its row count");
  nedlia::archive::ArchiveEncoder encoder;
  for (const std::string& line : *lines) {
    Check(line.find('\n') == std::string::npos, "a row is one line");
    encoder.AddLine(line);
  }
  const std::string encoded = encoder.Finish();
  Check(nedlia::archive::DecodeArchive(encoded, nedlia::crypto::Sha256Hex(encoded), rows) == *lines,
        "rows re-encode to the same rows");
  return 0;
}
