// The unsafe-operation lint over migrations' up parts, on PostgreSQL's own parse trees.
#include "migrate/lint.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nedlia::migrate {
namespace {

constexpr const char* kHeader =
    "-- nedlia migration\n"
    "-- revision: 0123456789ab\n"
    "-- down_revision: none\n"
    "-- message: under test\n"
    "\n"
    "-- +up\n";  // the up part starts on line 7

/// The same header, declaring a contract step (in place of the blank line: same line numbers).
constexpr const char* kContractHeader =
    "-- nedlia migration\n"
    "-- revision: 0123456789ab\n"
    "-- down_revision: none\n"
    "-- message: under test\n"
    "-- breaks: releases before this one\n"
    "-- +up\n";

std::vector<LintFinding> Lint(const std::string& up, const char* header = kHeader) {
  const MigrationScript script =
      ParseMigrationScript("m.sql", std::string(header) + up + "\n-- +down\n");
  return LintMigration(script);
}

/// "rule@line" for each finding, in order.
std::vector<std::string> Rules(const std::string& up, const char* header = kHeader) {
  std::vector<std::string> rules;
  for (const LintFinding& finding : Lint(up, header))
    rules.push_back(finding.rule + "@" + finding.location.substr(finding.location.find(':') + 1));
  return rules;
}

using Found = std::vector<std::string>;

const std::string kTimeout = "SET lock_timeout = '5s';\n";  // line 7

TEST(LintTest, EachUnsafeOperationOnALiveTableIsFoundOnItsLine) {
  EXPECT_EQ(Rules(kTimeout + "CREATE INDEX i ON t (a);"), Found{"index-not-concurrent@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ADD COLUMN c int NOT NULL;"),
            Found{"not-null-without-default@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ALTER COLUMN c TYPE bigint;"),
            Found{"table-rewrite@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ADD COLUMN c uuid DEFAULT gen_random_uuid();"),
            Found{"table-rewrite@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);"),
            Found{"constraint-not-valid@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);"),
            Found{"constraint-not-valid@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ADD COLUMN u_id int REFERENCES u (id);"),
            Found{"constraint-not-valid@8"});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t RENAME COLUMN a TO b;"),
            (Found{"undeclared-break@8", "drop-and-replace@8"}));
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t ADD COLUMN b int;\n\nALTER TABLE t DROP COLUMN a;"),
            (Found{"undeclared-break@10", "drop-and-replace@10"}));
  EXPECT_EQ(Rules(kTimeout + "CREATE TABLE t2 (id int);\nDROP TABLE t;"),
            (Found{"undeclared-break@9", "drop-and-replace@9"}));
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t DROP COLUMN old;"), Found{"undeclared-break@8"})
      << "the release before still reads the column";
  EXPECT_EQ(Rules(kTimeout + "DROP TABLE t;"), Found{"undeclared-break@8"});
  EXPECT_EQ(Rules("\n-- a comment before\nALTER TABLE t ADD COLUMN b int;"),
            Found{"lock-timeout@9"});
}

TEST(LintTest, TheSafeWaysPass) {
  EXPECT_EQ(Rules(kTimeout +
                  "CREATE INDEX CONCURRENTLY i ON t (a);\n"
                  "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;\n"
                  "ALTER TABLE t ADD COLUMN d timestamptz DEFAULT now();\n"
                  "ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID;\n"
                  "ALTER TABLE t VALIDATE CONSTRAINT f;\n"
                  "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;"),
            Found{});
  EXPECT_EQ(Rules(kTimeout + "ALTER TABLE t DROP COLUMN old;\nDROP TABLE gone;", kContractHeader),
            Found{})
      << "a drop alone, declared, is the contract step, in a release after the expand";
}

TEST(LintTest, AutogenerateLearnsWhetherAMigrationBreaksEarlierReleases) {
  EXPECT_TRUE(DropsWhatEarlierReleasesUse("ALTER TABLE t DROP COLUMN a;"));
  EXPECT_TRUE(DropsWhatEarlierReleasesUse("ALTER TABLE t RENAME TO u;"));
  EXPECT_FALSE(DropsWhatEarlierReleasesUse("ALTER TABLE t ADD COLUMN b int;"));
  EXPECT_FALSE(
      DropsWhatEarlierReleasesUse("CREATE TABLE n (id int);\nALTER TABLE n DROP COLUMN id;"));
}

TEST(LintTest, ATableTheMigrationCreatesIsNotLive) {
  EXPECT_TRUE(Rules("CREATE TABLE n (id int, a int);\n"
                    "CREATE INDEX i ON n (a);\n"
                    "ALTER TABLE n ADD COLUMN c int NOT NULL;\n"
                    "ALTER TABLE n ALTER COLUMN a TYPE bigint;\n"
                    "ALTER TABLE n ADD CONSTRAINT c CHECK (a > 0);")
                  .empty());
}

TEST(LintTest, AnAllowanceNeedsAReasonAndCoversOnlyItsStatementAndRule) {
  EXPECT_TRUE(
      Rules(kTimeout +
            "-- lint: allow index-not-concurrent: the table is tiny\nCREATE INDEX i ON t (a);")
          .empty());
  EXPECT_EQ(Rules(kTimeout + "-- lint: allow index-not-concurrent\nCREATE INDEX i ON t (a);"),
            Found{"allow-without-reason@9"});
  EXPECT_EQ(Rules(kTimeout + "-- lint: allow table-rewrite: small\nCREATE INDEX i ON t (a);\n"
                             "CREATE INDEX j ON t (b);"),
            (Found{"index-not-concurrent@9", "index-not-concurrent@10"}));
  EXPECT_EQ(
      Rules(kTimeout + "-- lint: allow index-not-concurrent: small\nCREATE INDEX i ON t (a);\n"
                       "CREATE INDEX j ON t (b);"),
      Found{"index-not-concurrent@10"});
  // The migration-wide rule is allowed from anywhere in the up part.
  EXPECT_TRUE(Rules("ALTER TABLE t ADD COLUMN b int;\n"
                    "-- lint: allow lock-timeout: run only in maintenance windows")
                  .empty());
}

TEST(LintTest, EachFindingSaysHowToWriteItSafely) {
  const auto findings = Lint(kTimeout + "CREATE INDEX i ON t (a);");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location, "m.sql:8");
  EXPECT_NE(findings[0].message.find("CREATE INDEX CONCURRENTLY"), std::string::npos);
  EXPECT_NE(findings[0].message.find("transactional: false"), std::string::npos);
}

}  // namespace
}  // namespace nedlia::migrate
