// One behaviour suite, run against both object store adapters: the local directory and S3
// (a real s3rver on loopback). Plus what only one of them can show: an S3 outage, and the
// filesystem store's atomic writes.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "object_stores/filesystem_object_store.hpp"
#include "object_stores/s3_object_store.hpp"
#include "object_stores/store_directories.hpp"
#include "support/s3_server.hpp"
#include "support/scripted_http_server.hpp"

namespace nedlia::object_stores {
namespace {

using testing::S3Server;
using testing::ScriptedHttpServer;

/// Runs `operation`, which must fail with an ObjectStoreError (not "not found") that names
/// `status`.
template <class Operation>
void ExpectRefusedWith(int status, const std::string& what, Operation&& operation) {
  SCOPED_TRACE(what + " answered " + std::to_string(status));
  try {
    operation();
    ADD_FAILURE() << "taken for a success";
  } catch (const app::ObjectNotFound& error) {
    ADD_FAILURE() << "taken for absence: " << error.what();
  } catch (const app::ObjectStoreError& error) {
    EXPECT_NE(std::string(error.what()).find(std::to_string(status)), std::string::npos)
        << error.what();
  }
}

class ObjectStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "s3") {
      if (!S3Server::Installed())
        GTEST_SKIP() << "s3rver is not installed (scripts/install-deps)";
      server_ = std::make_unique<S3Server>();
      store_ = std::make_unique<S3ObjectStore>(server_->Settings());
    } else {
      root_ = std::filesystem::temp_directory_path() /
              ("nedlia-objects-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
      std::filesystem::remove_all(root_);
      store_ = std::make_unique<FilesystemObjectStore>(root_);
    }
  }
  void TearDown() override {
    if (!root_.empty())
      std::filesystem::remove_all(root_);
  }

  std::filesystem::path root_;
  std::unique_ptr<S3Server> server_;
  std::unique_ptr<app::ObjectStore> store_;
};

TEST_P(ObjectStoreTest, PutThenGetReturnsTheBytesAndContentType) {
  const std::string bytes = std::string("line one\n\0binary\xff", 17) + std::string(100000, 'x');
  store_->Put("placements/v1/a.json", bytes, {.content_type = "application/json"});
  const app::StoredObject object = store_->Get("placements/v1/a.json");
  EXPECT_EQ(object.bytes, bytes);
  EXPECT_EQ(object.info.content_type, "application/json");
  const auto head = store_->Head("placements/v1/a.json");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, bytes.size());
  EXPECT_EQ(head->content_type, "application/json");
}

TEST_P(ObjectStoreTest, OverwriteReplacesTheWholeObject) {
  store_->Put("k/one", "a long first version", {.content_type = "text/plain"});
  store_->Put("k/one", "short", {.content_type = "text/vtt"});
  const app::StoredObject object = store_->Get("k/one");
  EXPECT_EQ(object.bytes, "short");
  EXPECT_EQ(object.info.content_type, "text/vtt");
}

TEST_P(ObjectStoreTest, MissingKeysAreNotFoundNotUnavailable) {
  EXPECT_THROW(store_->Get("nothing/here"), app::ObjectNotFound);
  EXPECT_FALSE(store_->Head("nothing/here"));
  EXPECT_NO_THROW(store_->Delete("nothing/here"));  // as in S3
}

TEST_P(ObjectStoreTest, ListReturnsKeysUnderThePrefixInOrder) {
  store_->Put("placements/b/2.vtt", "22", {});
  store_->Put("placements/a/1.json", "1", {});
  store_->Put("placements/b/1.json", "333", {});
  store_->Put("archives/2026/x", "x", {});
  const auto listed = store_->List("placements/b/");
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].key, "placements/b/1.json");
  EXPECT_EQ(listed[0].size, 3u);
  EXPECT_EQ(listed[1].key, "placements/b/2.vtt");
  EXPECT_EQ(store_->List("placements/").size(), 3u);
  EXPECT_TRUE(store_->List("none/").empty());
}

TEST_P(ObjectStoreTest, DeleteRemovesOnlyThatObject) {
  store_->Put("d/1", "1", {});
  store_->Put("d/2", "2", {});
  store_->Delete("d/1");
  EXPECT_THROW(store_->Get("d/1"), app::ObjectNotFound);
  EXPECT_EQ(store_->Get("d/2").bytes, "2");
  ASSERT_EQ(store_->List("d/").size(), 1u);
}

TEST_P(ObjectStoreTest, BadKeysAreRefusedBeforeTouchingTheStore) {
  for (const std::string key :
       {"", "../etc/passwd", "a//b", "a/../b", "/abs", "a b", "a/.hidden", "trailing/"}) {
    EXPECT_THROW(store_->Put(key, "x", {}), app::ObjectStoreError) << key;
    EXPECT_THROW(store_->Get(key), app::ObjectStoreError) << key;
  }
  EXPECT_TRUE(store_->List("").empty());  // nothing was written
}

TEST_P(ObjectStoreTest, StorageClassIsAcceptedPerPut) {
  store_->Put("archives/cold", "frozen",
              {.content_type = "application/zstd", .storage_class = "STANDARD_IA"});
  EXPECT_EQ(store_->Get("archives/cold").bytes, "frozen");
}

INSTANTIATE_TEST_SUITE_P(Adapters, ObjectStoreTest, ::testing::Values("filesystem", "s3"),
                         [](const auto& adapter) { return adapter.param; });

TEST(S3ObjectStoreTest, AnOutageIsUnavailableLosesNothingAndEndsWhenTheServerIsBack) {
  if (!S3Server::Installed())
    GTEST_SKIP() << "s3rver is not installed (scripts/install-deps)";
  S3Server server;
  S3ObjectStore store(server.Settings());
  store.Put("kept/before", "stored before the outage", {.content_type = "text/plain"});
  server.Stop();
  EXPECT_THROW(store.Put("kept/during", "x", {}), app::ObjectStoreUnavailable);
  EXPECT_THROW(store.Get("kept/before"), app::ObjectStoreUnavailable);
  EXPECT_THROW(store.Head("kept/before"), app::ObjectStoreUnavailable);
  EXPECT_THROW(store.List("kept/"), app::ObjectStoreUnavailable);
  server.Start();
  EXPECT_EQ(store.Get("kept/before").bytes, "stored before the outage");
  store.Put("kept/after", "y", {});
  EXPECT_EQ(store.List("kept/").size(), 2u);  // nothing from the failed put
}

// S3 answers 301 for a bucket of another region, and a proxy or a hostile endpoint may answer
// any 3xx: the request was not carried out, so it is a failure, and the redirect is never
// followed (it could send the signed request, body and all, to any host).
TEST(S3ObjectStoreTest, ARedirectIsAFailureAndIsNeverFollowed) {
  ScriptedHttpServer elsewhere([](const http::Request&) { return http::Response{.status = 200}; },
                               "127.0.0.2");
  for (const int status : {300, 301, 302, 303, 304, 307, 308}) {
    ScriptedHttpServer redirecting([&](const http::Request& request) {
      http::Response response{.status = status};
      response.headers.push_back({"Location", elsewhere.Url() + request.target});
      return response;
    });
    S3ObjectStore store(S3Server::SettingsFor(redirecting.Url()));
    ExpectRefusedWith(status, "PUT", [&] { store.Put("k/x", "bytes", {}); });
    ExpectRefusedWith(status, "GET", [&] { store.Get("k/x"); });
    ExpectRefusedWith(status, "HEAD", [&] { store.Head("k/x"); });
    ExpectRefusedWith(status, "DELETE", [&] { store.Delete("k/x"); });
    ExpectRefusedWith(status, "LIST", [&] { store.List("k/"); });
    EXPECT_EQ(redirecting.Received().size(), 5u);
  }
  EXPECT_TRUE(elsewhere.Received().empty()) << "a redirect was followed";
}

// Only GET and HEAD may take a 404 for "absent"; S3 answers DELETE of an absent key with 204,
// so a 404 there (NoSuchBucket) must not pass for a deletion.
TEST(S3ObjectStoreTest, NotFoundIsAbsenceOnlyForGetAndHead) {
  ScriptedHttpServer missing_bucket([](const http::Request&) {
    return http::Response{.status = 404,
                          .headers = {{"Content-Type", "application/xml"}},
                          .body =
                              "<Error><Code>NoSuchBucket</Code><Message>The specified bucket "
                              "does not exist</Message></Error>"};
  });
  S3ObjectStore store(S3Server::SettingsFor(missing_bucket.Url()));
  EXPECT_THROW(store.Get("k/x"), app::ObjectNotFound);
  EXPECT_FALSE(store.Head("k/x"));
  ExpectRefusedWith(404, "PUT", [&] { store.Put("k/x", "bytes", {}); });
  ExpectRefusedWith(404, "DELETE", [&] { store.Delete("k/x"); });
  ExpectRefusedWith(404, "LIST", [&] { store.List("k/"); });
}

// Callers delete what a listing names (an archive's objects, expired backups): a listing that
// names a key outside the prefix asked for, or a key the store would refuse, is not believed.
TEST(S3ObjectStoreTest, AListingWithAKeyOutsideThePrefixIsRefused) {
  for (const std::string key : {"backups/b1/manifest.json", "archive/x/../../wal/a.zst"}) {
    SCOPED_TRACE(key);
    ScriptedHttpServer lying([&](const http::Request&) {
      return http::Response{
          .status = 200,
          .headers = {{"Content-Type", "application/xml"}},
          .body =
              "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>archive/x/"
              "part-00001.jsonl.zst</Key><Size>1</Size></Contents><Contents><Key>" +
              key + "</Key><Size>1</Size></Contents></ListBucketResult>"};
    });
    S3ObjectStore store(S3Server::SettingsFor(lying.Url()));
    try {
      store.List("archive/x/");
      ADD_FAILURE() << "the listing was believed";
    } catch (const app::ObjectStoreError& error) {
      EXPECT_NE(std::string(error.what()).find(key), std::string::npos) << error.what();
    }
  }
}

TEST(S3ObjectStoreTest, PublicUrlIsPathStyleUnlessABaseIsGiven) {
  S3Settings settings{.endpoint = {.url = "http://127.0.0.1:9"}, .bucket = "b", .public_base = ""};
  EXPECT_EQ(S3ObjectStore(settings).PublicUrl("placements/v/x.json"),
            "http://127.0.0.1:9/b/placements/v/x.json");
  settings.public_base = "https://cdn.example/";
  EXPECT_EQ(S3ObjectStore(settings).PublicUrl("placements/v/x.json"),
            "https://cdn.example/placements/v/x.json");
}

TEST(FilesystemObjectStoreTest, APutLeavesNoTemporaryFileAndListsNoneInFlight) {
  const auto root = std::filesystem::temp_directory_path() /
                    ("nedlia-objects-atomic-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  FilesystemObjectStore store(root);
  store.Put("p/v/file.json", "{}", {.content_type = "application/json"});
  // A crashed writer's leftover: never listed, never readable under a key.
  std::filesystem::create_directories(root / "p/v");
  { std::ofstream(root / "p/v/.tmp-123") << "half"; }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    files += entry.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 2);
  const auto listed = store.List("p/");
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].key, "p/v/file.json");
  EXPECT_EQ(store.PublicUrl("p/v/file.json"), "/files/p/v/file.json");
  std::filesystem::remove_all(root);
}

/// The permission bits of `path` (as stat shows them, e.g. 0600).
unsigned ModeOf(const std::filesystem::path& path) {
  struct stat status {};
  EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
  return status.st_mode & 07777;
}

// Objects hold archives of rows and backups of the whole database: no other local user may
// read them, or list what there is. Whatever the umask (the usual 022 would give 0644/0755).
TEST(FilesystemObjectStoreTest, ObjectsAndTheirDirectoriesAreTheOwnersAlone) {
  const auto base = std::filesystem::temp_directory_path() /
                    ("nedlia-objects-modes-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  const mode_t umask_before = ::umask(022);
  const auto root = base / "objects";
  FilesystemObjectStore store(root);
  store.Put("archive/t/2026/01/id/part-00001.jsonl.zst", "rows", {});
  store.Put("archive/t/2026/01/id/part-00001.jsonl.zst", "rows again", {});  // replaced
  ::umask(umask_before);
  EXPECT_EQ(ModeOf(root), 0700u);
  std::filesystem::path dir = root;
  for (const char* segment : {"archive", "t", "2026", "01", "id"}) {
    dir /= segment;
    EXPECT_EQ(ModeOf(dir), 0700u) << dir;
  }
  EXPECT_EQ(ModeOf(dir / "part-00001.jsonl.zst"), 0600u);
  std::filesystem::remove_all(base);
}

// A directory's entry is durable once its parent is fsynced: each new directory must be, before
// anything is renamed into it, or a crash can lose an object put "durably". fsync itself cannot
// be observed from a test; which directories are synced, and after what, can.
TEST(FilesystemObjectStoreTest, EveryNewDirectoryIsSyncedIntoItsParentAsItIsMade) {
  const auto base = std::filesystem::temp_directory_path() /
                    ("nedlia-objects-sync-" + std::to_string(::getpid()));
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);
  const auto root = base / "objects";
  std::vector<std::string> synced;
  const DirectorySync record = [&](const std::filesystem::path& directory) {
    SyncDirectory(directory);  // the real one too: it must work on what was made
    synced.push_back(directory.lexically_relative(base).string() + " after " +
                     std::to_string(std::distance(std::filesystem::directory_iterator(directory),
                                                  std::filesystem::directory_iterator())) +
                     " entries");
  };
  CreateStoreDirectories(root, root / "wal", record);
  CreateStoreDirectories(root, root / "backups/b1", record);
  CreateStoreDirectories(root, root / "backups/b1", record);       // all there: nothing to sync
  const std::vector<std::string> expected = {". after 1 entries",  // objects/ made in base
                                             "objects after 1 entries",           // wal/
                                             "objects after 2 entries",           // backups/
                                             "objects/backups after 1 entries"};  // b1/
  EXPECT_EQ(synced, expected);
  EXPECT_EQ(ModeOf(root / "backups/b1"), 0700u);
  std::filesystem::remove_all(base);
}

}  // namespace
}  // namespace nedlia::object_stores
