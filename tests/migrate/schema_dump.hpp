#pragma once

#include <gtest/gtest.h>

#include <string>

#include "support/test_database.hpp"

namespace nedlia::testing {

/// The schema as pg_dump prints it, without the \restrict / \unrestrict lines that pg_dump
/// 15.14+ adds with a random key on every run.
inline std::string SchemaDumpOf(const std::string& url) {
  const auto dump = RunCommand("pg_dump --schema-only --no-owner " + ShellQuote(url) +
                               " | grep -v -e '^\\\\restrict ' -e '^\\\\unrestrict '");
  EXPECT_EQ(dump.exit_code, 0) << dump.output;
  // The pipeline's status is grep's: make sure pg_dump did print a schema.
  EXPECT_NE(dump.output.find("CREATE TABLE public.nedlia_schema_version"), std::string::npos)
      << dump.output;
  return dump.output;
}

}  // namespace nedlia::testing
