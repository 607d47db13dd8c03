#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

namespace nedlia::testing {

/// What `nedlia serve` prints before the URL it listens on, and before the admin key it issues
/// on a database that never had one.
inline constexpr const char* kListeningOn = "listening on ";
inline constexpr const char* kFirstAdminKey =
    "first admin API key (shown only this once; keep it): ";

/// The whole file; empty when it does not exist (yet).
std::string ReadWholeFile(const std::filesystem::path& path);

/// What follows `prefix` on its line in `text`, once the line is complete; empty otherwise.
std::string AfterPrefix(const std::string& text, const std::string& prefix);

/// AfterPrefix on what `read` returns, once it is there: `timeout` at most, then empty.
std::string AwaitAfterPrefix(const std::function<std::string()>& read, const std::string& prefix,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace nedlia::testing
