#include "cli/database_access.hpp"

#include <cctype>
#include <filesystem>
#include <vector>

#include "cli/command.hpp"
#include "cli/wal_archiving.hpp"

namespace nedlia::cli {
namespace {

constexpr std::string_view kHidden = "***";

bool IsUri(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

bool IsSpace(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// ?a=1&password=secret&b=2 -> ?a=1&password=***&b=2
std::string RedactQuery(std::string_view query) {
  std::string redacted;
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (param.starts_with("password=")) {
      redacted += "password=" + std::string(kHidden);
    } else {
      redacted += param;
    }
    if (amp == std::string_view::npos) {
      return redacted;
    }
    redacted += '&';
    query.remove_prefix(amp + 1);
  }
}

// Where the user:password@ part ends ('@'), or npos. libpq takes the first '@' before the first
// '/'; a password with a raw '/' (which libpq would misparse) is still hidden by falling back
// to the last '@' before the query.
std::size_t UserInfoEnd(std::string_view rest) {
  const std::size_t first = rest.find_first_of("@/");
  if (first != std::string_view::npos && rest[first] == '@') {
    return first;
  }
  const std::size_t query = rest.find('?');
  const std::size_t last = rest.rfind('@', query == std::string_view::npos ? rest.size() : query);
  const std::size_t colon = rest.find(':');
  if (last == std::string_view::npos || colon > last) {
    return std::string_view::npos;
  }
  return rest.substr(0, colon).find('/') == std::string_view::npos ? last : std::string_view::npos;
}

std::string RedactUri(std::string_view uri) {
  const std::size_t authority = uri.find("://") + 3;
  std::string redacted(uri.substr(0, authority));
  std::string_view rest = uri.substr(authority);
  if (const std::size_t at = UserInfoEnd(rest); at != std::string_view::npos) {
    const std::size_t colon = rest.find(':');
    if (colon < at) {
      redacted += std::string(rest.substr(0, colon + 1)) + std::string(kHidden);
      rest.remove_prefix(at);
    }
  }
  const std::size_t query = rest.find('?');
  redacted += rest.substr(0, query);
  if (query != std::string_view::npos) {
    redacted += "?" + RedactQuery(rest.substr(query + 1));
  }
  return redacted;
}

struct Replacement {
  std::size_t begin;
  std::size_t end;
  std::string text;
};

// The end of a key=value value starting at `i`: 'quoted with \' escapes' or up to whitespace.
std::size_t ValueEnd(std::string_view text, std::size_t i) {
  const bool quoted = i < text.size() && text[i] == '\'';
  if (quoted) {
    ++i;
  }
  while (i < text.size() && (quoted ? text[i] != '\'' : !IsSpace(text[i]))) {
    i += text[i] == '\\' ? 2 : 1;
  }
  return std::min(text.size(), quoted ? i + 1 : i);
}

// libpq's "host=h password=secret dbname=d" form; a dbname may itself be a URI.
std::string RedactKeyValues(std::string_view text) {
  std::vector<Replacement> replacements;
  std::size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < text.size() && IsSpace(text[i])) {
      ++i;
    }
  };
  while (true) {
    skip_spaces();
    const std::size_t key_begin = i;
    while (i < text.size() && text[i] != '=' && !IsSpace(text[i])) {
      ++i;
    }
    const std::string_view key = text.substr(key_begin, i - key_begin);
    skip_spaces();
    if (i >= text.size() || text[i] != '=') {
      break;
    }
    ++i;
    skip_spaces();
    const std::size_t value_begin = i;
    i = ValueEnd(text, i);
    const std::string_view value = text.substr(value_begin, i - value_begin);
    if (key == "password") {
      replacements.push_back({value_begin, i, std::string(kHidden)});
    } else if (key == "dbname" && IsUri(value)) {
      replacements.push_back({value_begin, i, RedactUri(value)});
    }
  }
  std::string redacted;
  std::size_t copied = 0;
  for (const auto& replacement : replacements) {
    redacted += text.substr(copied, replacement.begin - copied);
    redacted += replacement.text;
    copied = replacement.end;
  }
  return redacted + std::string(text.substr(copied));
}

}  // namespace

pg::ClusterOptions ManagedClusterOptions(const Settings& settings) {
  return pg::ClusterOptions{.dir = settings.pg_dir,
                            .port = settings.pg_port,
                            .bin_dir = std::nullopt,
                            .max_slot_wal_keep_size = settings.pg_max_slot_wal_keep_size};
}

pg::ReplicaCluster ManagedReplica(const Settings& settings, const std::string& name,
                                  const std::string& dir, std::optional<int> port) {
  if (settings.database_url) {
    throw UserError("NEDLIA_DATABASE_URL is set (" + RedactUrl(*settings.database_url) +
                    "): managed replicas follow the managed cluster only; unset it, or point "
                    "NEDLIA_READ_DATABASE_URL at a replica of that database");
  }
  std::filesystem::path home = dir;
  if (home.empty()) {
    std::filesystem::path primary = settings.pg_dir.lexically_normal();
    if (!primary.has_filename())  // a trailing slash
      primary = primary.parent_path();
    home = primary.parent_path() / (primary.filename().string() + "-" + name);
  }
  return pg::ReplicaCluster(ManagedClusterOptions(settings),
                            {.name = name, .dir = home, .port = port});
}

std::string ResolveDatabaseUrl(const Settings& settings) {
  if (settings.database_url) {
    return *settings.database_url;
  }
  pg::ManagedCluster cluster(ManagedClusterOptions(settings));
  StartManagedCluster(settings, cluster);
  return cluster.Url();
}

std::string RedactUrl(std::string_view url) {
  return IsUri(url) ? RedactUri(url) : RedactKeyValues(url);
}

}  // namespace nedlia::cli
