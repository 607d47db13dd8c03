// The logical replication stream as the platform reads it from PostgreSQL: the walsender's
// CopyData messages and the pgoutput messages inside them. The server is trusted, but a parser
// of a binary protocol must refuse what is cut short or malformed rather than read past it:
// every input either parses or throws ReplicationProtocolError, and what parses is within the
// input's bounds.
#include "pg/pgoutput.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"

namespace nedlia::fuzz {
namespace {

void CheckPgOutput(std::string_view bytes) {
  try {
    const pg::PgOutputMessage message = pg::ParsePgOutput(bytes);
    if (const auto* insert = std::get_if<pg::PgOutputInsert>(&message)) {
      std::size_t total = 0;
      for (const auto& value : insert->values)
        total += value ? value->size() : 0;
      Check(total <= bytes.size(), "an insert's values come from the message");
    }
    if (const auto* relation = std::get_if<pg::PgOutputRelation>(&message))
      Check(relation->columns.size() <= bytes.size(), "each column takes bytes");
  } catch (const pg::ReplicationProtocolError&) {
  }
}

void CheckReplicationMessage(std::string_view bytes) {
  try {
    const pg::ReplicationMessage message = pg::ParseReplicationMessage(bytes);
    if (const auto* data = std::get_if<pg::XLogData>(&message)) {
      Check(data->payload.size() + 25 == bytes.size(), "XLogData's payload is the rest");
      CheckPgOutput(data->payload);
    }
  } catch (const pg::ReplicationProtocolError&) {
  }
}

void CheckLsn(const std::string& text) {
  const auto lsn = pg::Lsn::Parse(text);
  if (lsn)
    Check(pg::Lsn::Parse(lsn->ToString()) == lsn, "an LSN reads back from its text");
}

}  // namespace
}  // namespace nedlia::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace nedlia::fuzz;
  const std::string text(AsText(data, size));
  CheckReplicationMessage(text);
  CheckPgOutput(text);
  CheckLsn(text);
  return 0;
}
