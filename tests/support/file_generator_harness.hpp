#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "consumers/consumer.hpp"
#include "object_stores/filesystem_object_store.hpp"
#include "pg/pool.hpp"
#include "placement_files/file_generator.hpp"
#include "support/api_fixture.hpp"

namespace nedlia::testing {

/// The file-generator over the real API and PostgreSQL: one advertiser, product and video,
/// the consumer subscribed, the files written to `store`, or else to a fresh directory named
/// after `name` (which the API also serves at /files/...).
class FileGeneratorHarness {
 public:
  explicit FileGeneratorHarness(const std::string& name, app::ObjectStore* store = nullptr);
  ~FileGeneratorHarness();
  FileGeneratorHarness(const FileGeneratorHarness&) = delete;
  FileGeneratorHarness& operator=(const FileGeneratorHarness&) = delete;

  /// A placement of the video through the API; returns its id.
  std::string CreatePlacement(double start, double end, const std::string& status = "active");
  /// Moves a placement to [start, end) through the API, at its `version`.
  void MovePlacement(const std::string& placement, double start, double end, int version);
  /// Runs the consumer until every handled event was processed and no video is marked.
  bool Settle(std::chrono::seconds timeout = std::chrono::seconds(30));
  /// Whether every handled event was processed and no video is marked.
  bool Settled() const;
  std::string FileUrl(const std::string& placement) const;
  /// The object key behind a URL this store made.
  std::string KeyOf(const std::string& url) const;
  /// The object behind a URL this store made.
  std::string Fetch(const std::string& url) const;
  nlohmann::json Manifest(const std::string& placement) const;

 protected:
  std::filesystem::path root_;
  object_stores::FilesystemObjectStore files_;
  app::ObjectStore* store_;
  ApiFixture api_;
  pg::Pool pool_;
  placement_files::Regenerator regenerator_;
  consumers::Consumer consumer_;
  std::string advertiser_, product_, video_;
};

}  // namespace nedlia::testing
