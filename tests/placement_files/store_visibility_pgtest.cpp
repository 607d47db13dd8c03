// A node whose object store is not the one the placement files were written to (a directory
// store, seen from another machine) must not answer 404 for files that exist.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "http/curl_client.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "placement_files/store_visibility.hpp"
#include "support/background_process.hpp"
#include "support/test_database.hpp"

namespace nedlia::placement_files {
namespace {

namespace fs = std::filesystem;
using testing::BackgroundProcess;
using testing::TestDatabase;

constexpr const char* kVideo = "00000000-0000-4000-8000-00000000000c";

std::string Key(char digit) {
  return std::string("placements/") + kVideo + "/" + std::string(64, digit) + ".json";
}

class StoreVisibilityTest : public ::testing::Test {
 protected:
  StoreVisibilityTest() {
    fs::create_directories(holder_);
    fs::create_directories(elsewhere_);
  }
  ~StoreVisibilityTest() override {
    fs::remove_all(holder_);
    fs::remove_all(elsewhere_);
  }

  /// A file the file-generator recorded `age` ago, written to the holder's store.
  void Written(const std::string& key, const char* age) {
    connection_.Execute(
        "INSERT INTO placement_file_objects (key, video_id, written_at) "
        "VALUES ($1, $2, now() - $3::interval)",
        pg::Params(key, kVideo, age));
    holder_store_.Put(key, "{}", {});
  }

  TestDatabase database_;
  pg::Connection connection_ = database_.Connect();
  fs::path holder_ = fs::temp_directory_path() / ("nedlia-holder-" + database_.Name());
  fs::path elsewhere_ = fs::temp_directory_path() / ("nedlia-elsewhere-" + database_.Name());
  object_stores::FilesystemObjectStore holder_store_{holder_};
  object_stores::FilesystemObjectStore elsewhere_store_{elsewhere_};
};

TEST_F(StoreVisibilityTest, OnlyANodeThatFindsNoneOfTheNewestFilesIsRefused) {
  EXPECT_EQ(WhyFilesAreNotVisible(connection_, elsewhere_store_), std::nullopt)
      << "no file yet: nothing tells";
  Written(Key('a'), "10 seconds");
  EXPECT_EQ(WhyFilesAreNotVisible(connection_, elsewhere_store_), std::nullopt)
      << "a file recorded just now may still be on its way";
  Written(Key('b'), "2 hours");
  Written(Key('c'), "1 hour");
  EXPECT_EQ(WhyFilesAreNotVisible(connection_, holder_store_), std::nullopt);
  const auto why = WhyFilesAreNotVisible(connection_, elsewhere_store_);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find(Key('c')), std::string::npos) << *why;
  holder_store_.Delete(Key('c'));
  EXPECT_EQ(WhyFilesAreNotVisible(connection_, holder_store_), std::nullopt)
      << "one file lost from the right store is not another store";
}

TEST_F(StoreVisibilityTest, ServeOnANodeThatCannotSeeTheFilesAnswers503) {
  Written(Key('d'), "1 hour");
  const process::Environment environment{{"NEDLIA_DATABASE_URL", database_.Url()},
                                         {"NEDLIA_OBJECTS_DIR", elsewhere_.string()},
                                         {"NEDLIA_HTTP_PORT", "0"},
                                         {"NEDLIA_LOG_LEVEL", "info"}};
  BackgroundProcess serve("nedlia-visibility-serve",
                          {testing::NedliaBinary(), "serve", "--no-workers"}, environment);
  const std::string url = serve.Await("listening on ");
  ASSERT_FALSE(url.empty()) << serve.Log();
  EXPECT_NE(serve.Log().find("GET /files/... answers 503 on this node"), std::string::npos)
      << serve.Log();
  http::testing::CurlClient client;
  const auto refused = client.Get(url + "/files/" + Key('d'));
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_TRUE(refused.Header("Retry-After"));
  EXPECT_EQ(serve.Stop(), 0);

  BackgroundProcess holder("nedlia-visibility-holder",
                           {testing::NedliaBinary(), "serve", "--no-workers"},
                           {{"NEDLIA_DATABASE_URL", database_.Url()},
                            {"NEDLIA_OBJECTS_DIR", holder_.string()},
                            {"NEDLIA_HTTP_PORT", "0"},
                            {"NEDLIA_LOG_LEVEL", "info"}});
  const std::string holder_url = holder.Await("listening on ");
  ASSERT_FALSE(holder_url.empty()) << holder.Log();
  EXPECT_EQ(client.Get(holder_url + "/files/" + Key('d')).status, 200);
}

}  // namespace
}  // namespace nedlia::placement_files
