#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nedlia::events {

/// The JSON type of an event field, as the catalog names it; `any` is any JSON value (the
/// elements of a free-form list).
enum class FieldType { kString, kNumber, kInteger, kBoolean, kObject, kArray, kAny };

std::string_view ToString(FieldType type);

struct FieldSpec;
/// An object's fields in the order the catalog lists them.
using Fields = std::vector<std::pair<std::string, FieldSpec>>;

/// One field of an event's data, in the specification's catalog syntax (type, format, required,
/// ...). Objects are closed: a key the catalog does not list is an error, unless the object is
/// a free-form document (`additional_properties: true`).
struct FieldSpec {
  // Defaulted in catalog.cpp, where FieldSpec is complete: clang with libstdc++ would otherwise
  // instantiate the members of Fields (a vector of FieldSpec) while FieldSpec is incomplete.
  FieldSpec();
  FieldSpec(const FieldSpec&);
  FieldSpec(FieldSpec&&) noexcept;
  FieldSpec& operator=(const FieldSpec&);
  FieldSpec& operator=(FieldSpec&&) noexcept;
  ~FieldSpec();

  FieldType type = FieldType::kString;
  std::string format;  ///< "" or uuid, date, date-time, uri, email
  bool required = false;
  bool nullable = false;
  std::string description;
  std::vector<std::string> enum_values;
  std::optional<double> minimum;
  std::optional<double> maximum;
  std::optional<std::int64_t> min_length;
  std::optional<std::int64_t> max_length;
  bool additional_properties = false;      ///< objects only: a free-form document
  Fields properties;                       ///< objects only
  std::shared_ptr<const FieldSpec> items;  ///< arrays only
  /// Personal data or a secret (`sensitive: true`), which no event carries: a field that a
  /// version once had keeps its place for that version's readers, but every event carries the
  /// catalog's `redacted` value there instead (JSON text, set exactly when sensitive).
  bool sensitive = false;
  std::string redacted;
};

/// A superseded version's migration window: during it the platform publishes both versions of
/// each such event; after `sunset`, only the newer one (see the specification's versioning).
struct Deprecation {
  int superseded_by = 0;       ///< the version that replaces this one
  std::string since;           ///< RFC 3339 time the window opened
  std::string sunset;          ///< RFC 3339 time after which this version is no longer published
  std::int64_t since_ms = 0;   ///< `since`, milliseconds since the epoch
  std::int64_t sunset_ms = 0;  ///< `sunset`, milliseconds since the epoch

  bool InWindow(std::int64_t epoch_ms) const {
    return since_ms <= epoch_ms && epoch_ms < sunset_ms;
  }
};

/// One catalog entry: an event type at one version (events/<type>.v<version>.yaml).
struct EventSchema {
  std::string type;  ///< without the version: "com.nedlia.placement.created"
  int version = 1;
  std::string description;
  Fields data;
  std::vector<std::string> consumers;
  std::optional<Deprecation> deprecation;
  std::string file;  ///< where it was read from, for messages

  /// The CloudEvents type: "com.nedlia.placement.created.v1".
  std::string VersionedType() const { return type + ".v" + std::to_string(version); }
};

/// A catalog that cannot be loaded; the message starts with "FILE:LINE: ".
class CatalogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A file of the catalog: its name (e.g. "placement.created.v1.yaml") and its text.
struct CatalogFile {
  std::string_view name;
  std::string_view text;
};

/// The event catalog: the single source of truth for validating, routing and evolving events.
class Catalog {
 public:
  /// Parses the files; throws CatalogError naming the file and line of the first problem
  /// (syntax, unknown key, wrong value, a file name that does not match its type and version,
  /// a type and version defined twice, a deprecation pointing at a version that is missing).
  static Catalog Parse(const std::vector<CatalogFile>& files);
  /// Every *.yaml file of the directory.
  static Catalog LoadDirectory(const std::string& directory);
  /// The catalog compiled into the binary (events/ at build time).
  static const Catalog& Embedded();

  /// In type order, then version.
  const std::vector<EventSchema>& Entries() const { return entries_; }
  /// By CloudEvents type ("com.nedlia.placement.created.v1"); null if unknown.
  const EventSchema* Find(std::string_view versioned_type) const;
  /// The versions of `entry`'s type before it, oldest first.
  std::vector<const EventSchema*> OlderVersions(const EventSchema& entry) const;
  /// The versioned types routed to a consumer.
  std::vector<std::string> TypesFor(std::string_view consumer) const;
  /// Of the types routed to a consumer, the newest version of each: what a consumer that
  /// upcasts subscribes to (it reads the older versions as the newest).
  std::vector<std::string> CurrentTypesFor(std::string_view consumer) const;

 private:
  std::vector<EventSchema> entries_;
  std::map<std::string, std::size_t, std::less<>> by_type_;
};

}  // namespace nedlia::events
