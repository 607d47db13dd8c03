#include "archive/archive_codec.hpp"

#include <zstd.h>

#include <algorithm>
#include <array>

#include "crypto/digest.hpp"

namespace nedlia::archive {

struct ArchiveEncoder::Stream {
  Stream() = default;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { ZSTD_freeCCtx(context); }

  ZSTD_CCtx* context = ZSTD_createCCtx();
};

ArchiveEncoder::ArchiveEncoder(int level) : stream_(std::make_unique<Stream>()) {
  if (stream_->context == nullptr)
    throw std::bad_alloc();
  ZSTD_CCtx_setParameter(stream_->context, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(stream_->context, ZSTD_c_checksumFlag, 1);  // zstd's own frame check
  // Compress on a thread of zstd's own while rows keep coming (a no-op where libzstd was built
  // without threads).
  ZSTD_CCtx_setParameter(stream_->context, ZSTD_c_nbWorkers, 1);
}

ArchiveEncoder::~ArchiveEncoder() = default;

void ArchiveEncoder::AddLine(std::string_view json) {
  if (json.find_first_of("\r\n") != std::string_view::npos)
    throw std::invalid_argument("an archived row must be one line of JSON");
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  pending_.append(json);
  pending_ += '\n';
  ++rows_;
  if (pending_.size() >= kChunk) {
    Compress(pending_, false);
    pending_.clear();
  }
}

std::string ArchiveEncoder::Finish() {
  Compress(pending_, true);
  pending_.clear();
  return std::move(output_);
}

void ArchiveEncoder::Compress(std::string_view input, bool end) {
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  std::array<char, 1 << 16> chunk{};
  for (;;) {
    ZSTD_outBuffer out{chunk.data(), chunk.size(), 0};
    const std::size_t left =
        ZSTD_compressStream2(stream_->context, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue);
    if (ZSTD_isError(left))
      throw ArchiveError(std::string("zstd: ") + ZSTD_getErrorName(left));
    output_.append(chunk.data(), out.pos);
    if (end ? left == 0 : in.pos == in.size)
      return;
  }
}

namespace {

/// Decompresses `bytes`, handing the text over chunk by chunk.
template <class Chunk>
void Decompress(std::string_view bytes, Chunk&& chunk_of_text) {
  const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(),
                                                                     &ZSTD_freeDCtx);
  std::vector<char> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  std::size_t left = 1;
  while (in.pos < in.size || left != 0) {
    ZSTD_outBuffer out{chunk.data(), chunk.size(), 0};
    left = ZSTD_decompressStream(context.get(), &out, &in);
    if (ZSTD_isError(left)) {
      throw ArchiveError(std::string("the archive is corrupt (zstd: ") + ZSTD_getErrorName(left) +
                         ")");
    }
    chunk_of_text(std::string_view(chunk.data(), out.pos));
    if (in.pos == in.size && out.pos == 0 && left != 0)
      throw ArchiveError("the archive is truncated: its zstd stream does not end");
  }
}

void CheckSha256(std::string_view bytes, std::string_view sha256_hex) {
  if (const std::string actual = crypto::Sha256Hex(bytes); actual != sha256_hex) {
    throw ArchiveError("the archive's SHA-256 is " + actual + ", its manifest says " +
                       std::string(sha256_hex));
  }
}

void CheckRowCount(std::int64_t counted, std::int64_t rows) {
  if (counted != rows) {
    throw ArchiveError("the archive holds " + std::to_string(counted) +
                       " rows, its manifest says " + std::to_string(rows));
  }
}

constexpr const char* kUnended = "the archive's last row is not ended by a line break";

}  // namespace

std::vector<std::string> DecodeArchive(std::string_view bytes, std::string_view sha256_hex,
                                       std::int64_t rows) {
  CheckSha256(bytes, sha256_hex);
  std::string text;
  Decompress(bytes, [&text](std::string_view chunk) { text += chunk; });
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos)
      throw ArchiveError(kUnended);
    lines.emplace_back(text, start, end - start);
    start = end + 1;
  }
  CheckRowCount(static_cast<std::int64_t>(lines.size()), rows);
  return lines;
}

void CheckArchive(std::string_view bytes, std::string_view sha256_hex, std::int64_t rows) {
  CheckSha256(bytes, sha256_hex);
  std::int64_t lines = 0;
  char last = '\n';
  Decompress(bytes, [&](std::string_view chunk) {
    lines += std::count(chunk.begin(), chunk.end(), '\n');
    if (!chunk.empty())
      last = chunk.back();
  });
  if (last != '\n')
    throw ArchiveError(kUnended);
  CheckRowCount(lines, rows);
}

}  // namespace nedlia::archive
