#pragma once

#include <filesystem>
#include <string>

#include "migrate/script_directory.hpp"

namespace nedlia::migrate {

/// A new migration for `nedlia migrate revision` and `merge`: its parents, message and parts.
struct NewRevision {
  RevisionSet parents;  ///< none for the first migration, several for a merge
  std::string message;  ///< one line
  std::string up_sql = "-- SQL that moves the schema forward\n";
  std::string down_sql = "-- SQL that exactly undoes the up part\n";
  /// Writes '-- breaks: releases before this one' (see MigrationScript).
  bool breaks_earlier_releases = false;
};

/// Writes it under the scripts' directory with a fresh revision id, as
/// <revision>_<slug of the message>.sql; returns the path. Throws ScriptError when the
/// message is not one line or the file cannot be written.
std::filesystem::path WriteRevision(const ScriptDirectory& scripts, const NewRevision& revision);

}  // namespace nedlia::migrate
