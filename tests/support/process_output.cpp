#include "support/process_output.hpp"

#include <fstream>
#include <sstream>

#include "support/wait_for.hpp"

namespace nedlia::testing {

std::string ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string AfterPrefix(const std::string& text, const std::string& prefix) {
  const std::size_t at = text.find(prefix);
  const std::size_t end = text.find('\n', at);
  if (at == std::string::npos || end == std::string::npos)
    return "";
  return text.substr(at + prefix.size(), end - at - prefix.size());
}

std::string AwaitAfterPrefix(const std::function<std::string()>& read, const std::string& prefix,
                             std::chrono::milliseconds timeout) {
  std::string found;
  WaitFor([&] { return !(found = AfterPrefix(read(), prefix)).empty(); }, timeout);
  return found;
}

}  // namespace nedlia::testing
