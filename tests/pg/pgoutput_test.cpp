// The replication stream's wire formats: the walsender's CopyData messages and pgoutput's
// protocol version 1, as PostgreSQL 15 documents them ("Streaming Replication Protocol",
// "Logical Replication Message Formats").
#include "pg/pgoutput.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nedlia::pg {
namespace {

/// Builds a message in network byte order.
class Bytes {
 public:
  Bytes& Byte(char value) {
    text_ += value;
    return *this;
  }
  Bytes& Int(std::uint64_t value, int size) {
    for (int shift = (size - 1) * 8; shift >= 0; shift -= 8)
      text_ += static_cast<char>((value >> shift) & 0xFF);
    return *this;
  }
  Bytes& String(const std::string& value) {
    text_ += value;
    text_ += '\0';
    return *this;
  }
  Bytes& Raw(const std::string& value) {
    text_ += value;
    return *this;
  }
  const std::string& Text() const { return text_; }

 private:
  std::string text_;
};

TEST(LsnTest, ReadsAndWritesPostgresNotation) {
  EXPECT_EQ(Lsn::Parse("16/B374D848")->value, 0x16B374D848ULL);
  EXPECT_EQ(Lsn{0x16B374D848ULL}.ToString(), "16/B374D848");
  EXPECT_EQ(Lsn::Parse("0/0")->value, 0U);
  EXPECT_EQ(Lsn::Parse("FFFFFFFF/FFFFFFFF")->value, ~0ULL);
  for (const char* bad : {"", "/", "1/", "/1", "12", "1/2/3", "G/1", "1 /2", "100000000/0", "-1/0"})
    EXPECT_FALSE(Lsn::Parse(bad)) << bad;
}

TEST(ReplicationMessageTest, ReadsXLogDataAndKeepalives) {
  const std::string data =
      Bytes().Byte('w').Int(0x100, 8).Int(0x200, 8).Int(7, 8).Raw("payload").Text();
  const auto xlog = std::get<XLogData>(ParseReplicationMessage(data));
  EXPECT_EQ(xlog.start.value, 0x100U);
  EXPECT_EQ(xlog.server_end.value, 0x200U);
  EXPECT_EQ(xlog.payload, "payload");
  const auto keepalive = std::get<Keepalive>(
      ParseReplicationMessage(Bytes().Byte('k').Int(0x300, 8).Int(7, 8).Byte(1).Text()));
  EXPECT_EQ(keepalive.server_end.value, 0x300U);
  EXPECT_TRUE(keepalive.reply_requested);
}

TEST(ReplicationMessageTest, ATruncatedOrUnknownMessageIsAProtocolError) {
  EXPECT_THROW(ParseReplicationMessage(""), ReplicationProtocolError);
  EXPECT_THROW(ParseReplicationMessage("k\x01\x02"), ReplicationProtocolError);
  EXPECT_THROW(ParseReplicationMessage(Bytes().Byte('w').Int(1, 8).Text()),
               ReplicationProtocolError);
  EXPECT_THROW(ParseReplicationMessage("z"), ReplicationProtocolError);
}

TEST(ReplicationMessageTest, TheStatusUpdateConfirmsWhatWasFlushed) {
  const std::string update = StandbyStatusUpdate(Lsn{0x10}, Lsn{0x20}, 99);
  EXPECT_EQ(update,
            Bytes().Byte('r').Int(0x10, 8).Int(0x20, 8).Int(0x20, 8).Int(99, 8).Byte(0).Text());
}

TEST(PgOutputTest, ReadsATransactionsBeginRelationInsertAndCommit) {
  const auto begin = std::get<PgOutputBegin>(
      ParsePgOutput(Bytes().Byte('B').Int(0xABC, 8).Int(5, 8).Int(742, 4).Text()));
  EXPECT_EQ(begin.final_lsn.value, 0xABCU);
  EXPECT_EQ(begin.xid, 742U);

  const std::string relation_bytes = Bytes()
                                         .Byte('R')
                                         .Int(16385, 4)
                                         .String("public")
                                         .String("event_log")
                                         .Byte('d')
                                         .Int(2, 2)
                                         .Byte(1)
                                         .String("transaction_id")
                                         .Int(5069, 4)
                                         .Int(~0U, 4)
                                         .Byte(0)
                                         .String("position")
                                         .Int(20, 4)
                                         .Int(~0U, 4)
                                         .Text();
  const auto relation = std::get<PgOutputRelation>(ParsePgOutput(relation_bytes));
  EXPECT_EQ(relation.id, 16385U);
  EXPECT_EQ(relation.schema, "public");
  EXPECT_EQ(relation.name, "event_log");
  EXPECT_EQ(relation.columns, (std::vector<std::string>{"transaction_id", "position"}));

  const std::string insert_bytes = Bytes()
                                       .Byte('I')
                                       .Int(16385, 4)
                                       .Byte('N')
                                       .Int(3, 2)
                                       .Byte('t')
                                       .Int(3, 4)
                                       .Raw("742")
                                       .Byte('n')
                                       .Byte('t')
                                       .Int(0, 4)
                                       .Text();
  const auto insert = std::get<PgOutputInsert>(ParsePgOutput(insert_bytes));
  EXPECT_EQ(insert.relation_id, 16385U);
  ASSERT_EQ(insert.values.size(), 3U);
  EXPECT_EQ(insert.values[0], "742");
  EXPECT_EQ(insert.values[1], std::nullopt);
  EXPECT_EQ(insert.values[2], "");

  const auto commit = std::get<PgOutputCommit>(
      ParsePgOutput(Bytes().Byte('C').Byte(0).Int(0xABC, 8).Int(0xAF0, 8).Int(5, 8).Text()));
  EXPECT_EQ(commit.commit_lsn.value, 0xABCU);
  EXPECT_EQ(commit.end_lsn.value, 0xAF0U);
}

TEST(PgOutputTest, OtherChangesAreNamedNotParsed) {
  EXPECT_EQ(std::get<PgOutputOther>(ParsePgOutput("Uanything")).kind, 'U');
  EXPECT_EQ(std::get<PgOutputOther>(ParsePgOutput("T")).kind, 'T');
}

TEST(PgOutputTest, MalformedMessagesAreProtocolErrorsNeverOverreads) {
  // A column claiming more bytes than the message has.
  EXPECT_THROW(ParsePgOutput(Bytes()
                                 .Byte('I')
                                 .Int(1, 4)
                                 .Byte('N')
                                 .Int(1, 2)
                                 .Byte('t')
                                 .Int(1000, 4)
                                 .Raw("short")
                                 .Text()),
               ReplicationProtocolError);
  EXPECT_THROW(ParsePgOutput(Bytes().Byte('I').Int(1, 4).Byte('K').Text()),
               ReplicationProtocolError);
  EXPECT_THROW(ParsePgOutput(Bytes().Byte('R').Int(1, 4).Raw("public").Text()),
               ReplicationProtocolError);  // a string without its end
  EXPECT_THROW(ParsePgOutput(""), ReplicationProtocolError);
  EXPECT_THROW(ParsePgOutput("B"), ReplicationProtocolError);
  EXPECT_THROW(ParsePgOutput("?"), ReplicationProtocolError);
}

}  // namespace
}  // namespace nedlia::pg
