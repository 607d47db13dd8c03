#pragma once
// An incremental reader of HTTP/1.1 responses for the load clients of bench/ (http_edge_clients,
// event_stream_bench): bytes go in as they arrive, heads and body bytes come out. It knows
// Content-Length, chunked transfer coding and bodies that end with the connection; nothing
// else (no trailers kept, no 1xx handling beyond skipping a bodiless 100 Continue).

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace nedlia::bench {

/// The parts of a response head the benchmarks look at.
struct ResponseHead {
  int status = 0;
  bool chunked = false;
  long long content_length = -1;  ///< -1: none given
  bool close = false;             ///< "Connection: close"
  std::string content_type;
};

class HttpResponseReader {
 public:
  using HeadCallback = std::function<void(const ResponseHead&)>;
  /// Body bytes as they arrive (chunk framing removed); called with each piece.
  using BodyCallback = std::function<void(std::string_view)>;
  /// A whole response has been read (never for a body that ends with the connection).
  using DoneCallback = std::function<void()>;

  HttpResponseReader(HeadCallback on_head, BodyCallback on_body, DoneCallback on_done)
      : on_head_(std::move(on_head)), on_body_(std::move(on_body)), on_done_(std::move(on_done)) {}

  /// Consumes `bytes`; returns false when they are not HTTP (the caller should close).
  bool Feed(std::string_view bytes);
  /// True while a response's head has been read and its body has not ended.
  bool InBody() const { return state_ != State::kHead; }

 private:
  enum class State {
    kHead,
    kLengthBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailer,
    kToClose
  };

  bool ParseHead(std::string_view head);
  bool FeedChunkSize(std::string_view& bytes);
  void Finish();

  HeadCallback on_head_;
  BodyCallback on_body_;
  DoneCallback on_done_;
  State state_ = State::kHead;
  std::string line_;         ///< a head or a chunk-size line being assembled
  long long remaining_ = 0;  ///< of a Content-Length body or of the current chunk
};

}  // namespace nedlia::bench
