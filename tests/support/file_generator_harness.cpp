#include "support/file_generator_harness.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include "consumers/backlog.hpp"
#include "support/delivery_helpers.hpp"

namespace nedlia::testing {
namespace {

using nlohmann::json;

std::filesystem::path FreshDirectory(const std::string& name) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("nedlia-files-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(path);
  return path;
}

}  // namespace

FileGeneratorHarness::FileGeneratorHarness(const std::string& name, app::ObjectStore* store)
    : root_(FreshDirectory(name)),
      files_(root_),
      store_(store ? store : &files_),
      api_(std::chrono::seconds(15), &files_),
      pool_({.url = api_.Database().Url(), .max_size = 4}),
      regenerator_(pool_, *store_),
      consumer_(placement_files::MakeFileGenerator(pool_, regenerator_)) {
  consumer_.Subscribe();
  advertiser_ = api_.NewAdvertiser("Acme");
  product_ = api_.QueryText("INSERT INTO products (advertiser_id, name) VALUES ('" + advertiser_ +
                            "', 'Cola') RETURNING id");
  video_ = api_.QueryText(
      "INSERT INTO videos (title, duration, status) VALUES ('Trailer', 600, 'ready') "
      "RETURNING id");
}

FileGeneratorHarness::~FileGeneratorHarness() {
  std::filesystem::remove_all(root_);
}

std::string FileGeneratorHarness::CreatePlacement(double start, double end,
                                                  const std::string& status) {
  const auto created = api_.Call("POST", "/v1/placements",
                                 json{{"video_id", video_},
                                      {"product_id", product_},
                                      {"status", status},
                                      {"time_range", {{"start_time", start}, {"end_time", end}}}});
  EXPECT_EQ(created.status, 201) << created.raw;
  return created.Id();
}

void FileGeneratorHarness::MovePlacement(const std::string& placement, double start, double end,
                                         int version) {
  const auto updated = api_.Call("PATCH", "/v1/placements/" + placement,
                                 json{{"time_range", {{"start_time", start}, {"end_time", end}}}},
                                 {IfMatch(version)});
  EXPECT_EQ(updated.status, 200) << updated.raw;
}

bool FileGeneratorHarness::Settled() const {
  pg::Connection sql = api_.Sql();
  return consumers::MeasureBacklog(sql, consumer_.Options().name, consumer_.ReadTypes()).events ==
             0 &&
         api_.Count("SELECT count(*) FROM placement_file_jobs") == 0;
}

bool FileGeneratorHarness::Settle(std::chrono::seconds timeout) {
  RunUntil(
      consumer_, [&](int) { return Settled(); }, timeout);
  return Settled();
}

std::string FileGeneratorHarness::FileUrl(const std::string& placement) const {
  return api_.Sql()
      .Execute("SELECT coalesce(file_url, '') FROM placements WHERE id = $1", pg::Params(placement))
      .Single()[0]
      .As<std::string>();
}

std::string FileGeneratorHarness::KeyOf(const std::string& url) const {
  const std::string base = store_->PublicUrl("x");
  const std::string prefix = base.substr(0, base.size() - 1);
  EXPECT_TRUE(url.starts_with(prefix)) << url;
  return url.substr(prefix.size());
}

std::string FileGeneratorHarness::Fetch(const std::string& url) const {
  return store_->Get(KeyOf(url)).bytes;
}

json FileGeneratorHarness::Manifest(const std::string& placement) const {
  return json::parse(Fetch(FileUrl(placement)));
}

}  // namespace nedlia::testing
