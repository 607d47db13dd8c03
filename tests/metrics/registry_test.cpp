#include "metrics/registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace nedlia::metrics {
namespace {

TEST(HistogramTest, RendersCumulativeBucketsSumAndCount) {
  Histogram histogram({0.1, 0.01, 1});  // any order
  for (const double value : {0.005, 0.01, 0.05, 0.5, 3.0})
    histogram.Observe(value);
  EXPECT_EQ(histogram.Render("lag_seconds"),
            "lag_seconds_bucket{le=\"0.01\"} 2\n"
            "lag_seconds_bucket{le=\"0.1\"} 3\n"
            "lag_seconds_bucket{le=\"1\"} 4\n"
            "lag_seconds_bucket{le=\"+Inf\"} 5\n"
            "lag_seconds_sum 3.565\n"
            "lag_seconds_count 5\n");
}

TEST(RegistryTest, OneHistogramPerNameWithItsHelpAndType) {
  Registry registry;
  Histogram& first = registry.GetHistogram("b_seconds", "B.", {1});
  Histogram& again = registry.GetHistogram("b_seconds", "ignored", {2});
  EXPECT_EQ(&first, &again);
  registry.GetHistogram("a_seconds", "A.", {1}).Observe(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP a_seconds A.\n# TYPE a_seconds histogram\n"
            "a_seconds_bucket{le=\"1\"} 1\na_seconds_bucket{le=\"+Inf\"} 1\n"
            "a_seconds_sum 0.5\na_seconds_count 1\n"
            "# HELP b_seconds B.\n# TYPE b_seconds histogram\n"
            "b_seconds_bucket{le=\"1\"} 0\nb_seconds_bucket{le=\"+Inf\"} 0\n"
            "b_seconds_sum 0\nb_seconds_count 0\n");
}

TEST(RegistryTest, GaugesAndLabelledCountersRenderWithTheirTypes) {
  Registry registry;
  registry.GetGauge("lag_seconds", "Lag.").Set(0.25);
  registry.GetCounter("reads_total", "Reads.", "served_by=\"replica\"").Increment();
  Counter& primary = registry.GetCounter("reads_total", "Reads.", "served_by=\"primary\"");
  primary.Increment();
  primary.Increment();
  EXPECT_EQ(&primary, &registry.GetCounter("reads_total", "Reads.", "served_by=\"primary\""));
  EXPECT_EQ(registry.Render(),
            "# HELP lag_seconds Lag.\n# TYPE lag_seconds gauge\nlag_seconds 0.25\n"
            "# HELP reads_total Reads.\n# TYPE reads_total counter\n"
            "reads_total{served_by=\"primary\"} 2\nreads_total{served_by=\"replica\"} 1\n");
}

TEST(RegistryTest, GaugesAndHistogramsTakeLabelSetsToo) {
  Registry registry;
  registry.GetGauge("backlog", "Backlog.", Label("consumer", "validator")).Set(3);
  registry.GetGauge("backlog", "Backlog.", Label("consumer", "notifier")).Set(1);
  registry.GetHistogram("wait_seconds", "Wait.", {1}, Label("pool", "api")).Observe(0.5);
  EXPECT_EQ(registry.Render(),
            "# HELP backlog Backlog.\n# TYPE backlog gauge\n"
            "backlog{consumer=\"notifier\"} 1\nbacklog{consumer=\"validator\"} 3\n"
            "# HELP wait_seconds Wait.\n# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{pool=\"api\",le=\"1\"} 1\n"
            "wait_seconds_bucket{pool=\"api\",le=\"+Inf\"} 1\n"
            "wait_seconds_sum{pool=\"api\"} 0.5\nwait_seconds_count{pool=\"api\"} 1\n");
}

// A label value comes from data (a consumer's name): what would end the value or the line is
// escaped, so that no value can forge another series.
TEST(RegistryTest, LabelValuesAreEscaped) {
  EXPECT_EQ(Label("consumer", "a\"b\\c\nd"), "consumer=\"a\\\"b\\\\c\\nd\"");
}

// Every thread of a server writes metrics while /metrics renders them and components come and
// go with their collectors: under ThreadSanitizer this shows any access that is not guarded.
TEST(RegistryTest, ThreadsWriteRenderAndRegisterCollectorsAtOnce) {
  Registry registry;
  constexpr int kWriters = 3;
  constexpr int kRounds = 2000;
  std::atomic<int> writing{kWriters};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&registry, &writing, t] {
      for (int i = 0; i < kRounds; ++i) {
        registry.GetCounter("requests_total", "Requests.", "thread=\"" + std::to_string(t) + "\"")
            .Increment();
        registry.GetHistogram("latency_seconds", "Latency.", {0.01, 0.1}).Observe(0.05);
        registry.GetGauge("lag_seconds", "Lag.").Set(i);
      }
      --writing;
    });
  }
  threads.emplace_back([&registry, &writing] {
    while (writing > 0) {
      const Registry::Collector collector =
          registry.AddCollector([] { return std::string("collected 1\n"); });
    }
  });
  std::string rendered;
  while (writing > 0)
    rendered = registry.Render();
  for (std::thread& thread : threads)
    thread.join();
  rendered = registry.Render();
  EXPECT_NE(rendered.find("latency_seconds_count 6000\n"), std::string::npos) << rendered;
  for (int t = 0; t < kWriters; ++t) {
    EXPECT_NE(rendered.find("requests_total{thread=\"" + std::to_string(t) + "\"} 2000\n"),
              std::string::npos)
        << rendered;
  }
}

}  // namespace
}  // namespace nedlia::metrics
