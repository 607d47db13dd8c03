#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "support/api_fixture.hpp"

namespace nedlia::testing {
namespace {
using nlohmann::json;
TEST(TmpRace, PlacementAfterProductDelete) {
  ApiFixture api;
  auto one = [&](const std::string& sql) {
    return api.Sql().Execute(sql).Single()[0].As<std::string>();
  };
  const std::string adv =
      one("INSERT INTO advertisers (name, contact_email) VALUES ('A','a@a.example') RETURNING id");
  const std::string product =
      one("INSERT INTO products (advertiser_id, name) VALUES ('" + adv + "','P') RETURNING id");
  const std::string video =
      one("INSERT INTO videos (title, duration, status) VALUES ('T', 60, 'ready') RETURNING id");
  pg::Connection deleter = api.Sql();
  deleter.Execute("BEGIN");
  deleter.Execute("SELECT FROM products WHERE id = $1 FOR UPDATE", pg::Params(product));
  deleter.Execute("UPDATE products SET deleted_at = now() WHERE id = $1", pg::Params(product));
  auto creation = std::async(std::launch::async, [&] {
    return api.Call("POST", "/v1/placements",
                    json{{"video_id", video},
                         {"product_id", product},
                         {"time_range", {{"start_time", 0}, {"end_time", 5}}}});
  });
  std::printf("blocked: %d\n",
              creation.wait_for(std::chrono::milliseconds(500)) == std::future_status::timeout);
  deleter.Execute("COMMIT");
  const auto reply = creation.get();
  std::printf("status %ld %s\n", reply.status, reply.raw.c_str());
}
}  // namespace
}  // namespace nedlia::testing
