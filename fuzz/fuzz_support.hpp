#pragma once
// What every fuzz target shares: invariants that stop the run, and the rule that a parser
// throws only its own error type.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <source_location>
#include <string>
#include <string_view>
#include <typeinfo>

namespace nedlia::fuzz {

/// The input as text (parsers take bytes as a string).
inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Stops the run: libFuzzer (or the replay driver) reports the input as a finding.
[[noreturn]] inline void Fail(std::string_view what,
                              std::source_location where = std::source_location::current()) {
  std::fprintf(stderr, "fuzz invariant broken at %s:%u: %.*s\n", where.file_name(),
               static_cast<unsigned>(where.line()), static_cast<int>(what.size()), what.data());
  std::abort();
}

/// An invariant of the parser under test.
inline void Check(bool condition, std::string_view what,
                  std::source_location where = std::source_location::current()) {
  if (!condition)
    Fail(what, where);
}

/// Runs `parse`. Its result, or nullopt when it threw `Error` (the parser's documented error,
/// handed to `on_error` for checks). Any other exception is a finding: the caller in the
/// product catches `Error` only, so that exception would end a request or a worker unexpectedly.
template <class Error, class Parse, class OnError>
auto ParseOr(Parse parse, OnError on_error,
             std::source_location where = std::source_location::current())
    -> std::optional<decltype(parse())> {
  try {
    return parse();
  } catch (const Error& error) {
    on_error(error);
  } catch (const std::exception& error) {
    Fail(std::string("unexpected exception ") + typeid(error).name() + ": " + error.what(), where);
  } catch (...) {
    Fail("unexpected exception of an unknown type", where);
  }
  return std::nullopt;
}

/// The same without checks on the error.
template <class Error, class Parse>
auto ParseOr(Parse parse, std::source_location where = std::source_location::current())
    -> std::optional<decltype(parse())> {
  return ParseOr<Error>(
      parse, [](const Error&) {}, where);
}

}  // namespace nedlia::fuzz
