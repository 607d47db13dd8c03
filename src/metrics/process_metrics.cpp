#include "metrics/process_metrics.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <vector>

namespace nedlia::metrics {
namespace {

struct ProcStat {
  double cpu_seconds = 0;
  double start_seconds_after_boot = 0;
  double threads = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
};

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// /proc/self/stat: the command name (field 2) may hold spaces and parentheses, so the fields
// are counted from the last ')'.
std::optional<ProcStat> ReadStat() {
  const std::string text = ReadFile("/proc/self/stat");
  const std::size_t end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos)
    return std::nullopt;
  std::istringstream rest(text.substr(end_of_name + 1));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest),
                                  std::istream_iterator<std::string>()};
  // fields[0] is field 3 (state): field N is fields[N - 3].
  if (fields.size() < 22)
    return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcStat stat;
  stat.cpu_seconds = (std::stod(fields[14 - 3]) + std::stod(fields[15 - 3])) / ticks;
  stat.threads = std::stod(fields[20 - 3]);
  stat.start_seconds_after_boot = std::stod(fields[22 - 3]) / ticks;
  stat.virtual_bytes = std::stod(fields[23 - 3]);
  stat.resident_bytes = std::stod(fields[24 - 3]) * page;
  return stat;
}

std::optional<double> BootTime() {
  std::istringstream in(ReadFile("/proc/stat"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0)
      return std::stod(line.substr(6));
  }
  return std::nullopt;
}

double OpenFds() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++count;
  return count;
}

void Append(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{0} {3}\n", name, help, type, value);
}

}  // namespace

std::string ProcessMetricsText() {
  std::string out;
  try {
    const std::optional<ProcStat> stat = ReadStat();
    if (stat) {
      Append(out, "process_cpu_seconds_total", "counter",
             "Total user and system CPU time spent in seconds.", stat->cpu_seconds);
      Append(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
             stat->resident_bytes);
      Append(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
             stat->virtual_bytes);
      Append(out, "process_threads", "gauge", "Number of OS threads in the process.",
             stat->threads);
      if (const std::optional<double> boot = BootTime()) {
        Append(out, "process_start_time_seconds", "gauge",
               "Start time of the process since unix epoch in seconds.",
               *boot + stat->start_seconds_after_boot);
      }
    }
  } catch (const std::exception&) {
    // A /proc we cannot parse: the other families still render.
  }
  Append(out, "process_open_fds", "gauge", "Number of open file descriptors.", OpenFds());
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    Append(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
           static_cast<double>(limit.rlim_cur));
  }
  return out;
}

}  // namespace nedlia::metrics
