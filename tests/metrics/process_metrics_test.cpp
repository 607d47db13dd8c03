#include "metrics/process_metrics.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <sstream>
#include <string>

namespace nedlia::metrics {
namespace {

// The sample lines ("name value") of the text format.
std::map<std::string, double> Samples(const std::string& text) {
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line.front() == '#')
      continue;
    const std::size_t space = line.rfind(' ');
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

TEST(ProcessMetricsTest, ReportsThisProcesssStandardFamilies) {
  const auto samples = Samples(ProcessMetricsText());
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_threads",
                           "process_start_time_seconds", "process_open_fds", "process_max_fds"}) {
    EXPECT_TRUE(samples.contains(name)) << name << " in\n" << ProcessMetricsText();
  }
  EXPECT_GT(samples.at("process_resident_memory_bytes"), 1024 * 1024);
  EXPECT_GE(samples.at("process_threads"), 1);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(samples.at("process_start_time_seconds"), now + 1);
  EXPECT_GT(samples.at("process_start_time_seconds"), now - 24 * 3600);
}

TEST(ProcessMetricsTest, OpenFdsFollowTheProcess) {
  const double before = Samples(ProcessMetricsText()).at("process_open_fds");
  const int fd = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(Samples(ProcessMetricsText()).at("process_open_fds"), before + 1);
  ::close(fd);
}

}  // namespace
}  // namespace nedlia::metrics
