#pragma once

namespace nedlia::app {

/// How a read of one row holds it until the transaction ends: PostgreSQL's four row-lock
/// strengths, weakest first. Under READ COMMITTED a locking read that waited re-checks its
/// conditions ("deleted_at IS NULL") on the row as the other transaction left it.
enum class RowLock {
  kNone,
  /// A row that references this one is being added (a product of an advertiser): a concurrent
  /// delete waits, and a delete that came first makes the row invisible. FOR KEY SHARE.
  kKeyShare,
  /// Others may read and share it, but not change or delete it. FOR SHARE.
  kShare,
  /// Its fields are about to change: waits for and blocks other changes and sharers, but not
  /// rows being added that reference it. FOR NO KEY UPDATE.
  kNoKeyUpdate,
  /// It is about to be deleted, or changed with nothing else allowed meanwhile: blocks new
  /// references too. FOR UPDATE.
  kUpdate,
};

}  // namespace nedlia::app
