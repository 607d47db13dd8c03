#include "placement_files/store_visibility.hpp"

#include "placement_files/file_object_rows.hpp"

namespace nedlia::placement_files {
namespace {

// Enough that a few files lost from a healthy store do not look like another node's store.
constexpr int kProbes = 5;

}  // namespace

std::optional<std::string> WhyFilesAreNotVisible(pg::Connection& connection,
                                                 app::ObjectStore& store) {
  const std::vector<std::string> keys = FileObjectRows(connection).SettledCurrent(kProbes);
  try {
    for (const std::string& key : keys) {
      if (store.Head(key))
        return std::nullopt;
    }
  } catch (const app::ObjectStoreError&) {
    return std::nullopt;  // down or refusing, not elsewhere: requests say so until it is fixed
  }
  if (keys.empty())
    return std::nullopt;
  return "none of the " + std::to_string(keys.size()) +
         " newest placement files the database lists (such as " + keys.front() +
         ") is in this node's object store: it is not the store they were written to (a "
         "directory store is one machine's)";
}

}  // namespace nedlia::placement_files
