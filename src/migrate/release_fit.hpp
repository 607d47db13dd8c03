#pragma once

#include "migrate/script_directory.hpp"
#include "pg/connection.hpp"

namespace nedlia::migrate {

/// How a database's schema stands to the migrations of the release about to run on it.
struct ReleaseFit {
  /// Applied revisions this release does not know: empty at its head; otherwise migrations of
  /// a later release, none of which breaks this one (a rolling deploy, or a rollback).
  RevisionSet newer;
};

/// Whether this release (its migrations: `scripts`) may run on the database. It may at its
/// own head, and ahead of it as long as no migration since declares `-- breaks: releases
/// before this one`. Throws MigrationError, in one line naming the revisions, when the schema
/// is behind the head, on another branch, or past a migration that breaks this release.
ReleaseFit CheckReleaseFits(pg::Connection& connection, const ScriptDirectory& scripts);

}  // namespace nedlia::migrate
