#include "pg/pgoutput.hpp"

#include <charconv>
#include <cstdio>

namespace nedlia::pg {
namespace {

/// Reads PostgreSQL's network byte order fields off the front of a message, refusing to read
/// past its end.
class Reader {
 public:
  Reader(std::string_view bytes, const char* what) : rest_(bytes), what_(what) {}

  std::uint8_t Byte() { return static_cast<std::uint8_t>(Take(1)[0]); }
  std::uint16_t Int16() { return static_cast<std::uint16_t>(BigEndian(2)); }
  std::uint32_t Int32() { return static_cast<std::uint32_t>(BigEndian(4)); }
  std::uint64_t Int64() { return BigEndian(8); }
  /// A NUL-terminated string.
  std::string String() {
    const std::size_t end = rest_.find('\0');
    if (end == std::string_view::npos)
      Fail("a string has no end");
    std::string text(rest_.substr(0, end));
    rest_.remove_prefix(end + 1);
    return text;
  }
  std::string_view Take(std::size_t size) {
    if (rest_.size() < size)
      Fail("cut short");
    const std::string_view taken = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return taken;
  }
  std::string_view Rest() const { return rest_; }
  [[noreturn]] void Fail(const std::string& why) const {
    throw ReplicationProtocolError(std::string(what_) + ": " + why);
  }

 private:
  std::uint64_t BigEndian(std::size_t size) {
    std::uint64_t value = 0;
    for (const char byte : Take(size))
      value = (value << 8) | static_cast<std::uint8_t>(byte);
    return value;
  }

  std::string_view rest_;
  const char* what_;
};

PgOutputRelation ParseRelation(Reader& in) {
  PgOutputRelation relation;
  relation.id = in.Int32();
  relation.schema = in.String();
  relation.name = in.String();
  in.Byte();  // replica identity
  const std::uint16_t count = in.Int16();
  relation.columns.reserve(count);
  for (std::uint16_t i = 0; i < count; ++i) {
    in.Byte();  // flags (part of the key)
    relation.columns.push_back(in.String());
    in.Int32();  // type oid
    in.Int32();  // type modifier
  }
  return relation;
}

PgOutputInsert ParseInsert(Reader& in) {
  PgOutputInsert insert;
  insert.relation_id = in.Int32();
  if (in.Byte() != 'N')
    in.Fail("an insert without its new tuple");
  const std::uint16_t count = in.Int16();
  insert.values.reserve(count);
  for (std::uint16_t i = 0; i < count; ++i) {
    switch (in.Byte()) {
      case 'n':  // NULL
      case 'u':  // an unchanged TOASTed value
        insert.values.emplace_back(std::nullopt);
        break;
      case 't': {
        const std::uint32_t size = in.Int32();
        insert.values.emplace_back(std::string(in.Take(size)));
        break;
      }
      default:
        in.Fail("a column of unknown kind");
    }
  }
  return insert;
}

}  // namespace

std::string Lsn::ToString() const {
  char text[32];
  const int size = std::snprintf(text, sizeof text, "%X/%X", static_cast<unsigned>(value >> 32),
                                 static_cast<unsigned>(value & 0xFFFFFFFFU));
  return std::string(text, static_cast<std::size_t>(size));
}

std::optional<Lsn> Lsn::Parse(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == text.size() || slash > 8 ||
      text.size() - slash - 1 > 8)
    return std::nullopt;
  std::uint32_t high = 0;
  std::uint32_t low = 0;
  const auto parse = [](std::string_view part, std::uint32_t& out) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), out, 16);
    return error == std::errc() && end == part.data() + part.size();
  };
  if (!parse(text.substr(0, slash), high) || !parse(text.substr(slash + 1), low))
    return std::nullopt;
  return Lsn{(static_cast<std::uint64_t>(high) << 32) | low};
}

ReplicationMessage ParseReplicationMessage(std::string_view bytes) {
  Reader in(bytes, "replication message");
  switch (in.Byte()) {
    case 'w': {
      XLogData data;
      data.start = Lsn{in.Int64()};
      data.server_end = Lsn{in.Int64()};
      in.Int64();  // the server's clock
      data.payload = in.Rest();
      return data;
    }
    case 'k': {
      Keepalive keepalive;
      keepalive.server_end = Lsn{in.Int64()};
      in.Int64();  // the server's clock
      keepalive.reply_requested = in.Byte() != 0;
      return keepalive;
    }
    default:
      in.Fail("unknown kind");
  }
}

std::string StandbyStatusUpdate(Lsn written, Lsn flushed, std::int64_t now_us,
                                bool reply_requested) {
  std::string message(1 + 8 * 4 + 1, '\0');
  message[0] = 'r';
  std::size_t at = 1;
  const auto put = [&](std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
      message[at++] = static_cast<char>((value >> shift) & 0xFF);
  };
  put(written.value);
  put(flushed.value);
  put(flushed.value);  // applied: we apply what we flush
  put(static_cast<std::uint64_t>(now_us));
  message[at] = reply_requested ? 1 : 0;
  return message;
}

PgOutputMessage ParsePgOutput(std::string_view bytes) {
  Reader in(bytes, "pgoutput message");
  const char kind = static_cast<char>(in.Byte());
  switch (kind) {
    case 'B': {
      PgOutputBegin begin;
      begin.final_lsn = Lsn{in.Int64()};
      begin.commit_time_us = static_cast<std::int64_t>(in.Int64());
      begin.xid = in.Int32();
      return begin;
    }
    case 'C': {
      PgOutputCommit commit;
      in.Byte();  // flags, unused
      commit.commit_lsn = Lsn{in.Int64()};
      commit.end_lsn = Lsn{in.Int64()};
      commit.commit_time_us = static_cast<std::int64_t>(in.Int64());
      return commit;
    }
    case 'R':
      return ParseRelation(in);
    case 'I':
      return ParseInsert(in);
    case 'U':
    case 'D':
    case 'T':
    case 'O':
    case 'Y':
    case 'M':
      return PgOutputOther{kind};
    default:
      in.Fail(std::string("unknown kind '") + kind + "'");
  }
}

}  // namespace nedlia::pg
