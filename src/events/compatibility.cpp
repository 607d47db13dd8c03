#include "events/compatibility.hpp"

#include <algorithm>

namespace nedlia::events {
namespace {

std::string Quoted(const std::string& text) {
  return "\"" + text + "\"";
}

std::string Number(double value) {
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.')
    text.pop_back();
  return text;
}

class Comparer {
 public:
  explicit Comparer(std::string type) : type_(std::move(type)) {}

  std::vector<SchemaChange> changes;

  void Fields(const events::Fields& base, const events::Fields& head, const std::string& at) {
    for (const auto& [name, old_field] : base) {
      const auto it = std::find_if(head.begin(), head.end(),
                                   [&](const auto& entry) { return entry.first == name; });
      const std::string path = at.empty() ? name : at + "." + name;
      if (it == head.end()) {
        Breaking(path, "field removed (or renamed): readers of old events still find it");
      } else {
        Field(old_field, it->second, path);
      }
    }
    for (const auto& [name, new_field] : head) {
      const bool existed = std::any_of(base.begin(), base.end(),
                                       [&](const auto& entry) { return entry.first == name; });
      if (existed)
        continue;
      const std::string path = at.empty() ? name : at + "." + name;
      if (new_field.required) {
        Breaking(path, "required field added: old events do not have it");
      } else {
        Compatible(path, "optional field added");
      }
    }
  }

  void Field(const FieldSpec& base, const FieldSpec& head, const std::string& path) {
    // Personal data leaving events is allowed even within a version: a leak is not a
    // compatibility promise. Letting it back in is not.
    if (base.sensitive != head.sensitive) {
      if (head.sensitive) {
        Compatible(path, "now sensitive: events carry " + head.redacted + " in its place");
      } else {
        Breaking(path, "no longer sensitive: personal data would go into events again");
      }
      return;
    }
    if (head.sensitive && base.redacted != head.redacted)
      Compatible(path, "redacted value changed to " + head.redacted);
    if (base.type != head.type) {
      if ((base.type == FieldType::kInteger && head.type == FieldType::kNumber) ||
          head.type == FieldType::kAny) {
        Compatible(path, "type relaxed from " + std::string(ToString(base.type)) + " to " +
                             std::string(ToString(head.type)));
      } else {
        Breaking(path, "type changed from " + std::string(ToString(base.type)) + " to " +
                           std::string(ToString(head.type)));
      }
      return;  // the rest compares fields of different kinds
    }
    Flag(path, base.required, head.required, "made required", "made optional");
    Flag(path, !base.nullable, !head.nullable, "no longer nullable", "made nullable");
    Format(base.format, head.format, path);
    Enum(base.enum_values, head.enum_values, path);
    Bound(path, "minimum", base.minimum, head.minimum, true);
    Bound(path, "maximum", base.maximum, head.maximum, false);
    Bound(path, "minLength", Optional(base.min_length), Optional(head.min_length), true);
    Bound(path, "maxLength", Optional(base.max_length), Optional(head.max_length), false);
    if (base.type == FieldType::kObject) {
      if (base.additional_properties != head.additional_properties) {
        if (head.additional_properties) {
          Compatible(path, "now a free-form document");
        } else {
          Breaking(path, "no longer a free-form document: keys it accepted are now rejected");
        }
      } else if (!base.additional_properties) {
        Fields(base.properties, head.properties, path);
      }
    }
    if (base.type == FieldType::kArray)
      Field(*base.items, *head.items, path + "[]");
  }

 private:
  static std::optional<double> Optional(const std::optional<std::int64_t>& value) {
    return value ? std::optional<double>(static_cast<double>(*value)) : std::nullopt;
  }

  void Compatible(const std::string& path, std::string what) {
    changes.push_back({type_, path, Compatibility::kCompatible, std::move(what)});
  }
  void Breaking(const std::string& path, std::string what) {
    changes.push_back({type_, path, Compatibility::kBreaking, std::move(what)});
  }

  /// A constraint that was off (false) and is now on (true) rejects more: breaking.
  void Flag(const std::string& path, bool base_on, bool head_on, const char* tightened,
            const char* relaxed) {
    if (base_on == head_on)
      return;
    if (head_on) {
      Breaking(path, tightened);
    } else {
      Compatible(path, relaxed);
    }
  }

  void Format(const std::string& base, const std::string& head, const std::string& path) {
    if (base == head)
      return;
    if (head.empty()) {
      Compatible(path, "format " + base + " no longer required");
    } else if (base.empty()) {
      Breaking(path, "format " + head + " now required");
    } else {
      Breaking(path, "format changed from " + base + " to " + head);
    }
  }

  void Enum(const std::vector<std::string>& base, const std::vector<std::string>& head,
            const std::string& path) {
    if (base == head)
      return;
    if (head.empty()) {
      Compatible(path, "no longer limited to listed values");
      return;
    }
    if (base.empty()) {
      Breaking(path, "now limited to listed values");
      return;
    }
    for (const std::string& value : base) {
      if (std::find(head.begin(), head.end(), value) == head.end())
        Breaking(path, "value " + Quoted(value) + " no longer allowed");
    }
    for (const std::string& value : head) {
      if (std::find(base.begin(), base.end(), value) == base.end())
        Compatible(path, "value " + Quoted(value) + " now allowed");
    }
  }

  /// A lower bound (is_lower) tightens when it rises; an upper one when it falls.
  void Bound(const std::string& path, const char* name, const std::optional<double>& base,
             const std::optional<double>& head, bool is_lower) {
    if (base == head)
      return;
    const std::string what = std::string(name) + " " +
                             (base ? Number(*base) : std::string("none")) + " -> " +
                             (head ? Number(*head) : std::string("none"));
    const bool tightened = !base || (head && (is_lower ? *head > *base : *head < *base));
    if (tightened) {
      Breaking(path, what);
    } else {
      Compatible(path, what);
    }
  }

  std::string type_;
};

std::string NextVersion(const std::string& versioned_type) {
  const auto dot = versioned_type.rfind(".v");
  const int version = std::stoi(versioned_type.substr(dot + 2));
  return versioned_type.substr(0, dot) + ".v" + std::to_string(version + 1);
}

}  // namespace

std::vector<SchemaChange> Compare(const Catalog& base, const Catalog& head) {
  std::vector<SchemaChange> changes;
  for (const EventSchema& old_entry : base.Entries()) {
    const std::string type = old_entry.VersionedType();
    const EventSchema* new_entry = head.Find(type);
    if (new_entry == nullptr) {
      changes.push_back({type, "", Compatibility::kBreaking,
                         "event type removed (breaking: events of it are in the log and "
                         "consumers may still expect them; deprecate it instead)"});
      continue;
    }
    Comparer comparer(type);
    comparer.Fields(old_entry.data, new_entry->data, "");
    if (old_entry.consumers != new_entry->consumers)
      comparer.changes.push_back({type, "", Compatibility::kCompatible, "consumers changed"});
    if (!old_entry.deprecation && new_entry->deprecation) {
      comparer.changes.push_back(
          {type, "", Compatibility::kCompatible,
           "deprecated: superseded by v" + std::to_string(new_entry->deprecation->superseded_by)});
    }
    changes.insert(changes.end(), comparer.changes.begin(), comparer.changes.end());
  }
  for (const EventSchema& new_entry : head.Entries()) {
    if (base.Find(new_entry.VersionedType()) == nullptr) {
      changes.push_back({new_entry.VersionedType(), "", Compatibility::kCompatible,
                         new_entry.version == 1 ? "new event type" : "new version"});
    }
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const SchemaChange& a, const SchemaChange& b) { return a.type < b.type; });
  return changes;
}

std::string Describe(const SchemaChange& change) {
  std::string line = change.type + ": ";
  if (!change.field.empty())
    line += "field " + change.field + ": ";
  line += change.what;
  if (change.compatibility == Compatibility::kBreaking && !change.field.empty()) {
    line += " (breaking: publish it as " + NextVersion(change.type) +
            ", a new file, and keep this version as it was)";
  }
  return line;
}

}  // namespace nedlia::events
