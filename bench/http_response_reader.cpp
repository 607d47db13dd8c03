#include "http_response_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace nedlia::bench {
namespace {

/// A head larger than this is not an answer from our server: stop reading.
constexpr std::size_t kMaxHead = std::size_t{64} * 1024;
constexpr std::size_t kMaxChunkLine = 4096;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool ContainsIgnoringCase(std::string_view text, std::string_view word) {
  for (std::size_t at = 0; at + word.size() <= text.size(); ++at) {
    if (EqualsIgnoringCase(text.substr(at, word.size()), word))
      return true;
  }
  return false;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

}  // namespace

bool HttpResponseReader::Feed(std::string_view bytes) {
  while (!bytes.empty()) {
    switch (state_) {
      case State::kHead: {
        const std::size_t searched_from = line_.size() < 3 ? 0 : line_.size() - 3;
        line_.append(bytes);
        const std::size_t end = line_.find("\r\n\r\n", searched_from);
        if (end == std::string::npos)
          return line_.size() <= kMaxHead;
        // What follows the head is still to be read: keep it before line_ is reused.
        const std::string rest = line_.substr(end + 4);
        line_.resize(end + 2);
        if (!ParseHead(line_))
          return false;
        line_.clear();
        return Feed(rest);
      }
      case State::kLengthBody:
      case State::kChunkData: {
        const auto take = static_cast<std::size_t>(
            std::min<long long>(remaining_, static_cast<long long>(bytes.size())));
        on_body_(bytes.substr(0, take));
        bytes.remove_prefix(take);
        remaining_ -= static_cast<long long>(take);
        if (remaining_ > 0)
          break;
        if (state_ == State::kLengthBody) {
          Finish();
        } else {
          state_ = State::kChunkDataEnd;
          remaining_ = 2;  // the CRLF after the chunk's data
        }
        break;
      }
      case State::kChunkDataEnd: {
        const auto take = static_cast<std::size_t>(
            std::min<long long>(remaining_, static_cast<long long>(bytes.size())));
        bytes.remove_prefix(take);
        remaining_ -= static_cast<long long>(take);
        if (remaining_ == 0)
          state_ = State::kChunkSize;
        break;
      }
      case State::kChunkSize:
        if (!FeedChunkSize(bytes))
          return false;
        break;
      case State::kTrailer: {
        const std::size_t newline = bytes.find('\n');
        line_.append(
            bytes.substr(0, newline == std::string_view::npos ? bytes.size() : newline + 1));
        bytes.remove_prefix(newline == std::string_view::npos ? bytes.size() : newline + 1);
        if (newline == std::string_view::npos)
          return line_.size() <= kMaxChunkLine;
        if (line_ == "\r\n" || line_ == "\n")
          Finish();
        line_.clear();
        break;
      }
      case State::kToClose:
        on_body_(bytes);
        return true;
    }
  }
  return true;
}

bool HttpResponseReader::FeedChunkSize(std::string_view& bytes) {
  const std::size_t newline = bytes.find('\n');
  if (newline == std::string_view::npos) {
    line_.append(bytes);
    bytes = {};
    return line_.size() <= kMaxChunkLine;
  }
  line_.append(bytes.substr(0, newline));
  bytes.remove_prefix(newline + 1);
  // "<hex size>[;extensions]\r"
  const std::string_view size_text = Trimmed(std::string_view(line_).substr(0, line_.find(';')));
  long long size = 0;
  const auto [end, error] =
      std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
  if (error != std::errc() || end != size_text.data() + size_text.size() || size < 0)
    return false;
  line_.clear();
  if (size == 0) {
    state_ = State::kTrailer;
  } else {
    state_ = State::kChunkData;
    remaining_ = size;
  }
  return true;
}

bool HttpResponseReader::ParseHead(std::string_view head) {
  // "HTTP/1.1 200 OK\r\n" then "Name: value\r\n" lines.
  if (!head.starts_with("HTTP/1.") || head.size() < 12)
    return false;
  ResponseHead parsed;
  const std::string_view code = head.substr(9, 3);
  const auto [end, error] = std::from_chars(code.data(), code.data() + code.size(), parsed.status);
  if (error != std::errc() || end != code.data() + code.size())
    return false;
  std::size_t line_start = head.find('\n') + 1;
  while (line_start < head.size()) {
    std::size_t line_end = head.find('\n', line_start);
    if (line_end == std::string_view::npos)
      line_end = head.size();
    const std::string_view line = head.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      continue;
    const std::string_view name = Trimmed(line.substr(0, colon));
    const std::string_view value = Trimmed(line.substr(colon + 1));
    if (EqualsIgnoringCase(name, "content-length")) {
      std::from_chars(value.data(), value.data() + value.size(), parsed.content_length);
    } else if (EqualsIgnoringCase(name, "transfer-encoding")) {
      parsed.chunked = ContainsIgnoringCase(value, "chunked");
    } else if (EqualsIgnoringCase(name, "connection")) {
      parsed.close = ContainsIgnoringCase(value, "close");
    } else if (EqualsIgnoringCase(name, "content-type")) {
      parsed.content_type = std::string(value);
    }
  }
  on_head_(parsed);
  // RFC 9112 section 6.3: 1xx, 204 and 304 have no body whatever the head says.
  if (parsed.status < 200 || parsed.status == 204 || parsed.status == 304) {
    Finish();
  } else if (parsed.chunked) {
    state_ = State::kChunkSize;
  } else if (parsed.content_length >= 0) {
    state_ = State::kLengthBody;
    remaining_ = parsed.content_length;
    if (remaining_ == 0)
      Finish();
  } else {
    state_ = State::kToClose;
  }
  return true;
}

void HttpResponseReader::Finish() {
  state_ = State::kHead;
  line_.clear();
  remaining_ = 0;
  on_done_();
}

}  // namespace nedlia::bench
