#include "events/catalog.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "domain/date.hpp"
#include "domain/utf8.hpp"
#include "events/catalog_files.hpp"

namespace nedlia::events {
namespace {

constexpr std::array<std::string_view, 7> kTypeNames = {"string", "number", "integer", "boolean",
                                                        "object", "array",  "any"};
constexpr std::array<std::string_view, 5> kFormats = {"uuid", "date", "date-time", "uri", "email"};
// Bounds on a file's fields. YAML aliases can make a field contain itself, or make a few lines
// stand for millions of fields; real events nest a few levels and have tens of fields.
constexpr int kMaxFieldDepth = 16;
constexpr std::size_t kMaxFields = 10'000;

bool IsLowerOrUnderscore(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

/// A field name in lowercase snake_case: [a-z][a-z0-9_]*.
bool IsFieldName(std::string_view name) {
  return !name.empty() && name.front() >= 'a' && name.front() <= 'z' &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return IsLowerOrUnderscore(c) || (c >= '0' && c <= '9'); });
}

/// An unversioned event type: com.nedlia.<aggregate>.<event>, each in [a-z_]+.
bool IsEventType(std::string_view type) {
  constexpr std::string_view kPrefix = "com.nedlia.";
  if (!type.starts_with(kPrefix))
    return false;
  type.remove_prefix(kPrefix.size());
  const std::size_t dot = type.find('.');
  const auto is_word = [](std::string_view word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), IsLowerOrUnderscore);
  };
  return dot != std::string_view::npos && is_word(type.substr(0, dot)) &&
         is_word(type.substr(dot + 1));
}

/// Reads one file; every error names the file and the line of the offending node.
class FileReader {
 public:
  explicit FileReader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& message) const {
    const int line = node.Mark().line >= 0 ? node.Mark().line + 1 : 1;
    throw CatalogError(file_ + ":" + std::to_string(line) + ": " + message);
  }

  void CheckKeys(const YAML::Node& map, std::initializer_list<std::string_view> allowed,
                 const std::string& where) const {
    if (!map.IsMap())
      Fail(map, where + " must be a mapping");
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : map) {
      const std::string key = Key(entry.first);
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        Fail(entry.first, "unknown key \"" + key + "\" in " + where);
      FailIfSeen(seen, entry.first, key, where);
    }
  }

  /// YAML forbids a key twice in one mapping, but the parser keeps both: a lookup would see the
  /// first and an iteration both.
  void FailIfSeen(std::set<std::string, std::less<>>& seen, const YAML::Node& node,
                  const std::string& key, const std::string& where) const {
    if (!seen.insert(key).second)
      Fail(node, "key \"" + key + "\" appears twice in " + where);
  }

  /// A mapping's key, which must be a plain scalar (YAML allows lists and mappings as keys).
  std::string Key(const YAML::Node& key) const {
    if (!key.IsScalar())
      Fail(key, "a key must be a name, not a list or a mapping");
    return Utf8(key, key.as<std::string>(), "a key");
  }

  std::string Text(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar())
      Fail(node, what + " must be a string");
    return Utf8(node, node.as<std::string>(), what);
  }

  /// A scalar's text as yaml-cpp decoded it: it turns the escape \_ (U+00A0) into the lone byte
  /// 0xA0, which is not UTF-8, from a file that is.
  std::string Utf8(const YAML::Node& node, std::string text, const std::string& what) const {
    if (domain::InvalidUtf8At(text))
      Fail(node, what + " is not UTF-8 once its escapes are decoded");
    return text;
  }

  template <class T>
  T Scalar(const YAML::Node& node, const std::string& what, const char* expected) const {
    try {
      if (node.IsScalar())
        return node.as<T>();
    } catch (const YAML::Exception&) {
    }
    Fail(node, what + " must be " + expected);
  }

  FieldSpec Field(const YAML::Node& node, const std::string& path, bool allow_required, int depth) {
    if (depth > kMaxFieldDepth) {
      Fail(node,
           "field " + path + " nests more than " + std::to_string(kMaxFieldDepth) + " levels deep");
    }
    if (++fields_read_ > kMaxFields)
      Fail(node, "more than " + std::to_string(kMaxFields) + " fields");
    CheckKeys(node,
              {"type", "format", "required", "nullable", "description", "enum", "minimum",
               "maximum", "minLength", "maxLength", "properties", "additional_properties", "items",
               "sensitive", "redacted"},
              "field " + path);
    FieldSpec field;
    if (!node["type"])
      Fail(node, "field " + path + " has no type");
    const std::string type = Text(node["type"], path + ".type");
    const auto found = std::find(kTypeNames.begin(), kTypeNames.end(), type);
    if (found == kTypeNames.end()) {
      Fail(node["type"], "field " + path + ": unknown type \"" + type +
                             "\" (string, number, integer, boolean, object, array or any)");
    }
    field.type = static_cast<FieldType>(found - kTypeNames.begin());
    if (node["format"]) {
      field.format = Text(node["format"], path + ".format");
      if (std::find(kFormats.begin(), kFormats.end(), field.format) == kFormats.end()) {
        Fail(node["format"], "field " + path + ": unknown format \"" + field.format +
                                 "\" (uuid, date, date-time, uri or email)");
      }
      if (field.type != FieldType::kString)
        Fail(node["format"], "field " + path + ": a format applies to strings only");
    }
    if (node["required"]) {
      if (!allow_required)
        Fail(node["required"], "field " + path + ": array items cannot be required");
      field.required = Scalar<bool>(node["required"], path + ".required", "true or false");
    }
    if (node["nullable"])
      field.nullable = Scalar<bool>(node["nullable"], path + ".nullable", "true or false");
    if (node["description"])
      field.description = Text(node["description"], path + ".description");
    if (node["enum"]) {
      if (!node["enum"].IsSequence() || node["enum"].size() == 0)
        Fail(node["enum"], "field " + path + ": enum must be a non-empty list");
      if (field.type != FieldType::kString)
        Fail(node["enum"], "field " + path + ": enum applies to strings only");
      for (const auto& value : node["enum"])
        field.enum_values.push_back(Text(value, path + ".enum"));
    }
    ReadBounds(node, path, field);
    ReadComposite(node, path, field, depth);
    ReadSensitivity(node, path, field);
    return field;
  }

  Fields FieldsOf(const YAML::Node& node, const std::string& path, int depth) {
    if (!node.IsMap())
      Fail(node, path + " must be a mapping of field names to fields");
    Fields fields;
    std::set<std::string, std::less<>> seen;
    for (const auto& entry : node) {
      const std::string name = Key(entry.first);
      if (!IsFieldName(name))
        Fail(entry.first, "field name \"" + name + "\" is not lowercase snake_case");
      FailIfSeen(seen, entry.first, name, path.empty() ? std::string("data") : path);
      const std::string child = path.empty() ? name : path + "." + name;
      fields.emplace_back(name, Field(entry.second, child, true, depth + 1));
    }
    return fields;
  }

 private:
  /// A sensitive field must say what events carry in its place; only a string or a small
  /// object of scalars can be written in the catalog.
  void ReadSensitivity(const YAML::Node& node, const std::string& path, FieldSpec& field) const {
    if (node["sensitive"])
      field.sensitive = Scalar<bool>(node["sensitive"], path + ".sensitive", "true or false");
    if (!field.sensitive) {
      if (node["redacted"])
        Fail(node["redacted"], "field " + path + ": redacted applies to sensitive fields only");
      return;
    }
    if (!node["redacted"]) {
      Fail(node, "field " + path +
                     " is sensitive: events never carry its value. Leave it out of the event's "
                     "data, or, in a version kept for its readers, give the value events carry "
                     "instead (redacted: ...)");
    }
    field.redacted = RedactedValue(node["redacted"], path, field).dump();
  }

  nlohmann::json RedactedValue(const YAML::Node& node, const std::string& path,
                               const FieldSpec& field) const {
    if (field.type == FieldType::kString)
      return Text(node, path + ".redacted");
    if (field.type != FieldType::kObject || !node.IsMap())
      Fail(node, "field " + path + ": redacted must be a string, or a mapping of an object field");
    nlohmann::json value = nlohmann::json::object();
    for (const auto& entry : node) {
      const std::string text = Text(entry.second, path + ".redacted");
      value[Key(entry.first)] =
          text == "true" || text == "false" ? nlohmann::json(text == "true") : nlohmann::json(text);
    }
    return value;
  }

  void ReadBounds(const YAML::Node& node, const std::string& path, FieldSpec& field) const {
    const bool numeric = field.type == FieldType::kNumber || field.type == FieldType::kInteger;
    for (const char* key : {"minimum", "maximum"}) {
      if (!node[key])
        continue;
      if (!numeric)
        Fail(node[key], "field " + path + ": " + key + " applies to numbers only");
      const double value = Scalar<double>(node[key], path + "." + key, "a number");
      (std::string_view(key) == "minimum" ? field.minimum : field.maximum) = value;
    }
    for (const char* key : {"minLength", "maxLength"}) {
      if (!node[key])
        continue;
      if (field.type != FieldType::kString)
        Fail(node[key], "field " + path + ": " + key + " applies to strings only");
      const auto value = Scalar<std::int64_t>(node[key], path + "." + key, "an integer");
      if (value < 0)
        Fail(node[key], "field " + path + ": " + key + " cannot be negative");
      (std::string_view(key) == "minLength" ? field.min_length : field.max_length) = value;
    }
  }

  void ReadComposite(const YAML::Node& node, const std::string& path, FieldSpec& field, int depth) {
    if (field.type != FieldType::kArray && node["items"])
      Fail(node["items"], "field " + path + ": items apply to arrays only");
    if (field.type != FieldType::kObject && (node["properties"] || node["additional_properties"]))
      Fail(node, "field " + path + ": properties apply to objects only");
    if (node["additional_properties"]) {
      field.additional_properties = Scalar<bool>(node["additional_properties"],
                                                 path + ".additional_properties", "true or false");
    }
    if (field.type == FieldType::kObject) {
      if (node["properties"] && field.additional_properties) {
        Fail(node["properties"], "field " + path +
                                     ": a free-form object (additional_properties) lists no "
                                     "properties");
      }
      if (node["properties"]) {
        field.properties = FieldsOf(node["properties"], path, depth);
      } else if (!field.additional_properties) {
        Fail(node, "field " + path +
                       " is an object without properties: list them, or say "
                       "additional_properties: true for a free-form document");
      }
    }
    if (field.type == FieldType::kArray) {
      if (!node["items"])
        Fail(node, "field " + path + " is an array without items");
      field.items =
          std::make_shared<FieldSpec>(Field(node["items"], path + "[]", false, depth + 1));
    }
  }

  std::string file_;
  std::size_t fields_read_ = 0;
};

Deprecation ReadDeprecation(const FileReader& reader, const YAML::Node& node) {
  reader.CheckKeys(node, {"superseded_by", "since", "sunset"}, "deprecation");
  Deprecation deprecation;
  if (!node["superseded_by"] || !node["since"] || !node["sunset"])
    reader.Fail(node, "deprecation needs superseded_by, since and sunset");
  deprecation.superseded_by =
      reader.Scalar<int>(node["superseded_by"], "deprecation.superseded_by", "a version number");
  deprecation.since = reader.Text(node["since"], "deprecation.since");
  deprecation.sunset = reader.Text(node["sunset"], "deprecation.sunset");
  for (const char* key : {"since", "sunset"}) {
    const std::optional<std::int64_t> time = domain::ParseRfc3339Utc(reader.Text(node[key], key));
    if (!time) {
      reader.Fail(node[key], std::string("deprecation.") + key +
                                 " must be a UTC time like 2026-12-01T00:00:00Z");
    }
    (std::string_view(key) == "since" ? deprecation.since_ms : deprecation.sunset_ms) = *time;
  }
  if (deprecation.sunset_ms <= deprecation.since_ms)
    reader.Fail(node["sunset"], "deprecation.sunset must come after since");
  return deprecation;
}

// A file's name as messages show it: control characters (a NUL would end the message early)
// become '?'.
std::string DisplayName(std::string_view name) {
  std::string shown(name);
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      c = '?';
  }
  return shown;
}

EventSchema ReadEntry(const CatalogFile& file) {
  const std::string name = DisplayName(file.name);
  // Its text ends up in JSON (schemas, messages), which holds only UTF-8.
  if (const auto invalid = domain::InvalidUtf8At(file.text)) {
    throw CatalogError(name + ":" + std::to_string(domain::LineAt(file.text, *invalid)) +
                       ": not UTF-8");
  }
  FileReader reader{name};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(file.text));
  } catch (const YAML::ParserException& error) {
    throw CatalogError(name + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  reader.CheckKeys(root, {"type", "version", "description", "data", "consumers", "deprecation"},
                   "the event");
  for (const char* key : {"type", "version", "description", "data", "consumers"}) {
    if (!root[key])
      reader.Fail(root, std::string("missing \"") + key + "\"");
  }
  EventSchema entry;
  entry.file = name;
  entry.type = reader.Text(root["type"], "type");
  if (!IsEventType(entry.type)) {
    reader.Fail(root["type"], "type \"" + entry.type +
                                  "\" is not com.nedlia.<aggregate>.<event> in lowercase (the "
                                  "version goes in \"version\")");
  }
  entry.version = reader.Scalar<int>(root["version"], "version", "a positive integer");
  if (entry.version < 1)
    reader.Fail(root["version"], "version must be a positive integer");
  entry.description = reader.Text(root["description"], "description");
  entry.data = reader.FieldsOf(root["data"], "", 0);
  if (!root["consumers"].IsSequence())
    reader.Fail(root["consumers"], "consumers must be a list (possibly empty: [])");
  for (const auto& consumer : root["consumers"])
    entry.consumers.push_back(reader.Text(consumer, "consumers"));
  if (root["deprecation"])
    entry.deprecation = ReadDeprecation(reader, root["deprecation"]);
  const std::string expected = entry.VersionedType().substr(std::string("com.nedlia.").size());
  if (std::filesystem::path(file.name).filename() != expected + ".yaml") {
    reader.Fail(root,
                "the file of " + entry.VersionedType() + " must be named " + expected + ".yaml");
  }
  return entry;
}

}  // namespace

FieldSpec::FieldSpec() = default;
FieldSpec::FieldSpec(const FieldSpec&) = default;
FieldSpec::FieldSpec(FieldSpec&&) noexcept = default;
FieldSpec& FieldSpec::operator=(const FieldSpec&) = default;
FieldSpec& FieldSpec::operator=(FieldSpec&&) noexcept = default;
FieldSpec::~FieldSpec() = default;

std::string_view ToString(FieldType type) {
  return kTypeNames[static_cast<std::size_t>(type)];
}

Catalog Catalog::Parse(const std::vector<CatalogFile>& files) {
  Catalog catalog;
  for (const CatalogFile& file : files)
    catalog.entries_.push_back(ReadEntry(file));
  std::sort(catalog.entries_.begin(), catalog.entries_.end(),
            [](const EventSchema& a, const EventSchema& b) {
              return std::tie(a.type, a.version) < std::tie(b.type, b.version);
            });
  for (std::size_t i = 0; i < catalog.entries_.size(); ++i) {
    const EventSchema& entry = catalog.entries_[i];
    if (!catalog.by_type_.emplace(entry.VersionedType(), i).second)
      throw CatalogError(entry.file + ":1: " + entry.VersionedType() + " is defined twice");
  }
  for (const EventSchema& entry : catalog.entries_) {
    if (!entry.deprecation)
      continue;
    const int next = entry.deprecation->superseded_by;
    if (next <= entry.version ||
        catalog.Find(entry.type + ".v" + std::to_string(next)) == nullptr) {
      throw CatalogError(entry.file + ":1: deprecation.superseded_by names " + entry.type + ".v" +
                         std::to_string(next) + ", which is not a later version in the catalog");
    }
  }
  return catalog;
}

Catalog Catalog::LoadDirectory(const std::string& directory) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(directory))
    throw CatalogError(directory + ": not a directory");
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& item : fs::directory_iterator(directory)) {
    if (item.path().extension() != ".yaml")
      continue;
    std::ifstream in(item.path());
    std::stringstream text;
    text << in.rdbuf();
    if (!in)
      throw CatalogError(item.path().string() + ": cannot be read");
    texts.emplace_back(item.path().string(), text.str());
  }
  std::vector<CatalogFile> files;
  files.reserve(texts.size());
  for (const auto& [name, text] : texts)
    files.push_back({name, text});
  return Parse(files);
}

const Catalog& Catalog::Embedded() {
  // Parsed once, at first use (nedlia serve asks for it at start, so a bad catalog stops it).
  static const Catalog kCatalog = Parse(EmbeddedCatalogFiles());
  return kCatalog;
}

const EventSchema* Catalog::Find(std::string_view versioned_type) const {
  const auto it = by_type_.find(versioned_type);
  return it == by_type_.end() ? nullptr : &entries_[it->second];
}

std::vector<const EventSchema*> Catalog::OlderVersions(const EventSchema& entry) const {
  std::vector<const EventSchema*> older;
  for (const EventSchema& candidate : entries_) {  // in type, then version order
    if (candidate.type == entry.type && candidate.version < entry.version)
      older.push_back(&candidate);
  }
  return older;
}

std::vector<std::string> Catalog::TypesFor(std::string_view consumer) const {
  std::vector<std::string> types;
  for (const EventSchema& entry : entries_) {
    if (std::find(entry.consumers.begin(), entry.consumers.end(), consumer) !=
        entry.consumers.end())
      types.push_back(entry.VersionedType());
  }
  return types;
}

std::vector<std::string> Catalog::CurrentTypesFor(std::string_view consumer) const {
  std::vector<std::string> types;
  const EventSchema* newest = nullptr;  // of the type being read
  for (const EventSchema& entry : entries_) {
    const bool routed = std::find(entry.consumers.begin(), entry.consumers.end(), consumer) !=
                        entry.consumers.end();
    if (newest != nullptr && newest->type != entry.type) {
      types.push_back(newest->VersionedType());
      newest = nullptr;
    }
    if (routed)
      newest = &entry;  // entries come in type order, then version
  }
  if (newest != nullptr)
    types.push_back(newest->VersionedType());
  return types;
}

}  // namespace nedlia::events
