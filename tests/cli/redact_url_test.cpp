#include <gtest/gtest.h>

#include "cli/database_access.hpp"

namespace nedlia::cli {
namespace {

TEST(RedactUrlTest, HidesThePasswordOfAUri) {
  EXPECT_EQ(RedactUrl("postgresql://user:secret@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(RedactUrl("postgres://user:secret@host:5432/db?sslmode=require"),
            "postgres://user:***@host:5432/db?sslmode=require");
}

TEST(RedactUrlTest, HidesPercentEncodedAndOddPasswords) {
  EXPECT_EQ(RedactUrl("postgresql://u:p%40ss%3Aw@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(RedactUrl("postgresql://u:pa:ss@h/db"), "postgresql://u:***@h/db");
  // libpq would misparse a raw '/', but the secret must not reach a log either way.
  EXPECT_EQ(RedactUrl("postgresql://u:pa/ss@h/db"), "postgresql://u:***@h/db");
}

TEST(RedactUrlTest, HidesAPasswordGivenAsAQueryParameter) {
  EXPECT_EQ(RedactUrl("postgresql://h/db?user=u&password=secret&sslmode=disable"),
            "postgresql://h/db?user=u&password=***&sslmode=disable");
  EXPECT_EQ(RedactUrl("postgresql:///db?password=secret"), "postgresql:///db?password=***");
}

TEST(RedactUrlTest, LeavesUrlsWithoutPasswordAlone) {
  for (const char* url : {"postgresql://postgres@/nedlia?host=/tmp/sock&port=55432",
                          "postgresql://postgres@127.0.0.1:55432/nedlia", "postgresql:///db",
                          "postgresql://h1:5432,h2:5433/db?target_session_attrs=read-write",
                          "host=/tmp/sock port=5432 dbname=nedlia", ""}) {
    EXPECT_EQ(RedactUrl(url), url);
  }
}

TEST(RedactUrlTest, HidesThePasswordOfAMultiHostUri) {
  EXPECT_EQ(RedactUrl("postgresql://u:secret@h1:5432,h2:5433/db"),
            "postgresql://u:***@h1:5432,h2:5433/db");
}

TEST(RedactUrlTest, HidesThePasswordOfAKeyValueString) {
  EXPECT_EQ(RedactUrl("host=db.example user=app password=secret dbname=nedlia"),
            "host=db.example user=app password=*** dbname=nedlia");
  EXPECT_EQ(RedactUrl("password=secret"), "password=***");
  EXPECT_EQ(RedactUrl("host=h password = secret port=5432"), "host=h password = *** port=5432");
}

TEST(RedactUrlTest, HidesAQuotedPasswordWithSpacesAndEscapes) {
  EXPECT_EQ(RedactUrl(R"(user=app password='it\'s a secret' dbname=nedlia)"),
            "user=app password=*** dbname=nedlia");
  EXPECT_EQ(RedactUrl(R"(password=back\ slash host=h)"), "password=*** host=h");
}

TEST(RedactUrlTest, HidesAPasswordInsideAUriGivenAsDbname) {
  EXPECT_EQ(RedactUrl("dbname=postgresql://u:secret@h/db connect_timeout=5"),
            "dbname=postgresql://u:***@h/db connect_timeout=5");
}

TEST(RedactUrlTest, KeysThatMerelyContainPasswordAreNotTouched) {
  EXPECT_EQ(RedactUrl("passfile=/home/u/.pgpass host=h"), "passfile=/home/u/.pgpass host=h");
}

}  // namespace
}  // namespace nedlia::cli
