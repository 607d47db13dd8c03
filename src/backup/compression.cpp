#include "backup/compression.hpp"

#include <zstd.h>

#include <memory>
#include <vector>

#include "backup/backup_error.hpp"

namespace nedlia::backup {

std::string Compress(std::string_view bytes, int level) {
  const std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(),
                                                                     &ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
  std::string frame(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t size =
      ZSTD_compress2(context.get(), frame.data(), frame.size(), bytes.data(), bytes.size());
  if (ZSTD_isError(size)) {
    throw BackupError(std::string("zstd compression failed: ") + ZSTD_getErrorName(size));
  }
  frame.resize(size);
  return frame;
}

std::string Decompress(std::string_view frame, std::string_view what) {
  const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(),
                                                                     &ZSTD_freeDCtx);
  std::string bytes;
  std::vector<char> chunk(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{frame.data(), frame.size(), 0};
  for (;;) {
    ZSTD_outBuffer out{chunk.data(), chunk.size(), 0};
    const std::size_t left = ZSTD_decompressStream(context.get(), &out, &in);
    if (ZSTD_isError(left)) {
      throw BackupError(std::string(what) + " is corrupt (zstd: " + ZSTD_getErrorName(left) + ")");
    }
    bytes.append(chunk.data(), out.pos);
    if (left == 0) {  // the frame is complete and flushed
      if (in.pos < in.size) {
        throw BackupError(std::string(what) +
                          " is corrupt (bytes after the end of its zstd frame)");
      }
      return bytes;
    }
    // All input read and nothing more to flush, yet the frame is not done: it was cut short.
    if (in.pos == in.size && out.pos < out.size) {
      throw BackupError(std::string(what) + " is truncated (its zstd frame does not end)");
    }
  }
}

}  // namespace nedlia::backup
