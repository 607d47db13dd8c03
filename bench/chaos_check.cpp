// What bench/chaos checks once the faults are over and the consumers caught up:
//   chaos_check --database URL --acks FILE --receipts FILE --faults FILE --nats URL
//               [--webhook-types T1,T2,...]
// and prints as Markdown tables, exit 1 when a check fails:
// - every acknowledged write (2xx) is in the database with exactly one event, and no event
//   exists without its change (the rows are what their events say, in order);
// - the validator ran every acknowledged run once; the notifier delivered every event of the
//   webhook's types at least once, under one webhook id, and invented none; every video's
//   placement file lists exactly its live placements;
// - the JetStream stream holds every event of the log once, and nothing else;
// - the API never answered 500, never 503 without Retry-After, never hung (30 s), and how long
//   it took to answer 2xx again after each fault (the faults file: "<name> <start_ms> <end_ms>").
#include <curl/curl.h>
#include <nats/nats.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pg/connection.hpp"

namespace {

using nedlia::pg::Connection;

struct Ack {
  std::int64_t at_ms = 0;  ///< when the answer came
  std::string op;
  int status = 0;
  bool retry_after = false;
  std::int64_t latency_ms = 0;
  std::string id;
  std::string token;

  std::int64_t StartMs() const { return at_ms - latency_ms; }
  bool Ok() const { return status >= 200 && status < 300; }
};

struct Fault {
  std::string name;
  std::int64_t start_ms = 0;
  std::int64_t end_ms = 0;
};

struct Options {
  std::string database;
  std::string acks;
  std::string receipts;
  std::string faults;
  std::string nats;
  std::set<std::string> webhook_types;
};

/// One printed check: what was expected, what was found.
struct Check {
  std::string name;
  std::string expected;
  std::string found;
  bool ok;
};

std::vector<Check> checks;

void Expect(const std::string& name, std::int64_t expected, std::int64_t found) {
  checks.push_back({name, std::to_string(expected), std::to_string(found), expected == found});
}

void Report(const std::string& name, const std::string& found) {
  checks.push_back({name, "-", found, true});
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, separator)) {
    if (!part.empty())
      parts.push_back(part);
  }
  return parts;
}

std::vector<Ack> ReadAcks(const std::string& path) {
  std::vector<Ack> acks;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    std::istringstream fields(line);
    Ack ack;
    int retry_after = 0;
    if (fields >> ack.at_ms >> ack.op >> ack.status >> retry_after >> ack.latency_ms >> ack.id >>
        ack.token) {
      ack.retry_after = retry_after == 1;
      acks.push_back(ack);
    }
  }
  return acks;
}

std::vector<Fault> ReadFaults(const std::string& path) {
  std::vector<Fault> faults;
  std::ifstream file(path);
  Fault fault;
  while (file >> fault.name >> fault.start_ms >> fault.end_ms)
    faults.push_back(fault);
  return faults;
}

struct Event {
  std::string id;
  std::string type;  ///< without the "com.nedlia." prefix
  std::string aggregate;
  std::string data;
  std::int64_t position = 0;
  std::int64_t created_us = 0;  ///< created_at: its transaction's start, in microseconds
};

std::vector<Event> ReadEvents(Connection& db) {
  std::vector<Event> events;
  for (const auto& row :
       db.Execute("SELECT id::text, event_type, aggregate_id::text, data::text, position, "
                  "(extract(epoch FROM created_at) * 1000000)::int8 "
                  "FROM event_log ORDER BY position")) {
    std::string type = row[1].As<std::string>();
    if (type.starts_with("com.nedlia."))
      type = type.substr(11);
    events.push_back({row[0].As<std::string>(), type, row[2].As<std::string>(),
                      row[3].As<std::string>(), row[4].As<std::int64_t>(),
                      row[5].As<std::int64_t>()});
  }
  return events;
}

struct PlacementRow {
  bool deleted = false;
  std::string description;
  std::string video;
  std::string file_url;
};

std::map<std::string, PlacementRow> ReadPlacements(Connection& db) {
  std::map<std::string, PlacementRow> rows;
  for (const auto& row : db.Execute("SELECT id::text, deleted_at IS NOT NULL, "
                                    "coalesce(description, ''), video_id::text, "
                                    "coalesce(file_url, '') FROM placements")) {
    rows[row[0].As<std::string>()] = {row[1].As<bool>(), row[2].As<std::string>(),
                                      row[3].As<std::string>(), row[4].As<std::string>()};
  }
  return rows;
}

/// The description token a placement.updated event carries ("" when it changed another field).
std::string TokenOf(const Event& event) {
  const nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
  const auto find = [](const nlohmann::json& object) -> std::string {
    if (object.is_object() && object.contains("description") && object["description"].is_string())
      return object["description"].get<std::string>();
    return "";
  };
  if (std::string token = find(data); !token.empty())
    return token;
  if (data.is_object() && data.contains("changes"))
    return find(data["changes"]);
  return find(data.value("placement", nlohmann::json::object()));
}

void CheckPlacements(const std::map<std::string, PlacementRow>& rows, const std::vector<Ack>& acks,
                     const std::vector<Event>& events) {
  std::map<std::string, std::map<std::string, int>> counts;  // aggregate -> type -> events
  std::map<std::string, std::vector<std::string>> tokens;    // aggregate -> tokens in order
  std::map<std::string, int> token_events;
  for (const Event& event : events) {
    if (!event.type.starts_with("placement."))
      continue;
    ++counts[event.aggregate][event.type];
    if (event.type.starts_with("placement.updated")) {
      const std::string token = TokenOf(event);
      tokens[event.aggregate].push_back(token);
      ++token_events[token];
    }
  }
  std::set<std::string> sent_tokens;
  std::int64_t creates = 0, created_missing = 0, created_not_once = 0;
  std::int64_t patches = 0, patch_not_once = 0, deletes = 0, delete_not_done = 0;
  for (const Ack& ack : acks) {
    if (ack.op == "patch")
      sent_tokens.insert(ack.token);
    if (!ack.Ok())
      continue;
    if (ack.op == "create") {
      ++creates;
      if (!rows.contains(ack.id))
        ++created_missing;
      for (const auto& [type, count] : counts[ack.id])
        created_not_once += type.starts_with("placement.created") && count != 1 ? 1 : 0;
      created_not_once += counts[ack.id].empty() ? 1 : 0;
    } else if (ack.op == "patch") {
      ++patches;
      patch_not_once += token_events[ack.token] != 1 ? 1 : 0;
    } else if (ack.op == "delete") {
      ++deletes;
      const auto row = rows.find(ack.id);
      bool once = true;
      for (const auto& [type, count] : counts[ack.id])
        once = once && (!type.starts_with("placement.deleted") || count == 1);
      delete_not_done += row == rows.end() || !row->second.deleted || !once ? 1 : 0;
    }
  }
  Report(
      "acknowledged creates / patches / deletes",
      std::to_string(creates) + " / " + std::to_string(patches) + " / " + std::to_string(deletes));
  Expect("acknowledged creates missing", 0, created_missing);
  Expect("acknowledged creates without exactly one created event (each version)", 0,
         created_not_once);
  Expect("acknowledged patches without exactly one updated event", 0, patch_not_once);
  Expect("acknowledged deletes not deleted, or not exactly one deleted event", 0, delete_not_done);
  // No event without its change: every aggregate exists, is what its last update says, is
  // deleted when a deleted event says so, and carries only tokens the load sent.
  std::int64_t orphans = 0, stale = 0, invented = 0, undeleted = 0;
  for (const auto& [aggregate, by_type] : counts) {
    const auto row = rows.find(aggregate);
    if (row == rows.end()) {
      ++orphans;
      continue;
    }
    const std::vector<std::string>& changes = tokens[aggregate];
    const std::string last = changes.empty() ? "" : changes.back();
    stale += row->second.description != last ? 1 : 0;
    for (const std::string& token : changes)
      invented += !token.empty() && !sent_tokens.contains(token) ? 1 : 0;
    bool deleted_event = false;
    for (const auto& [type, count] : by_type)
      deleted_event = deleted_event || type.starts_with("placement.deleted");
    undeleted += deleted_event != row->second.deleted ? 1 : 0;
  }
  Expect("placement events whose placement does not exist", 0, orphans);
  Expect("placements whose description is not their last update's", 0, stale);
  Expect("updates carrying a change no client sent", 0, invented);
  Expect("placements deleted without their event, or the reverse", 0, undeleted);
}

void CheckValidations(Connection& db, const std::vector<Ack>& acks,
                      const std::vector<Event>& events) {
  std::map<std::string, std::string> status;
  for (const auto& row : db.Execute("SELECT id::text, status FROM validation_runs"))
    status[row[0].As<std::string>()] = row[1].As<std::string>();
  std::map<std::string, int> requested, finished;
  for (const Event& event : events) {
    if (!event.type.starts_with("video.validation_"))
      continue;
    const nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
    const std::string run = data.is_object() ? data.value("validation_run_id", "") : "";
    if (event.type.starts_with("video.validation_requested")) {
      ++requested[run];
    } else {
      ++finished[run];
    }
  }
  std::int64_t runs = 0, missing = 0, unfinished = 0, not_once = 0;
  for (const Ack& ack : acks) {
    if (ack.op != "validate" || !ack.Ok())
      continue;
    ++runs;
    const auto run = status.find(ack.id);
    if (run == status.end()) {
      ++missing;
      continue;
    }
    unfinished += run->second != "completed" && run->second != "failed" ? 1 : 0;
    not_once += requested[ack.id] != 1 || finished[ack.id] != 1 ? 1 : 0;
  }
  Report("acknowledged validation runs", std::to_string(runs));
  Expect("acknowledged runs missing", 0, missing);
  Expect("acknowledged runs not finished by the validator", 0, unfinished);
  Expect("runs without exactly one requested and one finished event", 0, not_once);
}

void CheckWebhooks(const Options& options, const std::vector<Event>& events) {
  // The webhook hears of what was written after it was registered: by the product's rule, the
  // events whose transaction started no earlier than the webhook's (the writers are already
  // running when it is registered, so a few transactions begun before it commit after it).
  const auto created = std::find_if(events.begin(), events.end(), [](const Event& event) {
    return event.type.starts_with("webhook.created");
  });
  const std::int64_t since_us = created == events.end() ? 0 : created->created_us;
  std::set<std::string> expected;
  std::set<std::string> all_ids;
  for (const Event& event : events) {
    all_ids.insert(event.id);
    if (options.webhook_types.contains("com.nedlia." + event.type) && event.created_us >= since_us)
      expected.insert(event.id);
  }
  std::map<std::string, std::set<std::string>> webhook_ids;  // event -> webhook-ids
  std::set<std::string> delivered;
  std::int64_t receipts = 0, refused = 0, invented = 0;
  std::ifstream file(options.receipts);
  std::int64_t at = 0;
  std::string webhook_id, event_id;
  int status = 0;
  while (file >> at >> webhook_id >> event_id >> status) {
    ++receipts;
    webhook_ids[event_id].insert(webhook_id);
    if (status == 200) {
      delivered.insert(event_id);
    } else {
      ++refused;
    }
    invented += all_ids.contains(event_id) ? 0 : 1;
  }
  std::int64_t undelivered = 0, several_ids = 0;
  for (const std::string& id : expected)
    undelivered += delivered.contains(id) ? 0 : 1;
  for (const auto& [event, ids] : webhook_ids)
    several_ids += ids.size() != 1 ? 1 : 0;
  Report("webhook: events of its types / requests received (503 by the receiver)",
         std::to_string(expected.size()) + " / " + std::to_string(receipts) + " (" +
             std::to_string(refused) + ")");
  Expect("webhook: events never delivered", 0, undelivered);
  Expect("webhook: events delivered under more than one webhook-id", 0, several_ids);
  Expect("webhook: deliveries of events not in the log", 0, invented);
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* text) {
  static_cast<std::string*>(text)->append(data, size * count);
  return size * count;
}

/// The placement ids a manifest lists; nullopt when it cannot be fetched.
std::optional<std::set<std::string>> ManifestIds(const std::string& url) {
  if (!url.starts_with("http://127.0.0.1:"))
    return std::nullopt;  // loopback only
  std::string body;
  CURL* curl = curl_easy_init();
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  const nlohmann::json manifest = nlohmann::json::parse(body, nullptr, false);
  if (status != 200 || !manifest.is_object() || !manifest.contains("placements"))
    return std::nullopt;
  std::set<std::string> ids;
  for (const nlohmann::json& placement : manifest["placements"])
    ids.insert(placement.value("placement_id", ""));
  return ids;
}

void CheckPlacementFiles(Connection& db, const std::map<std::string, PlacementRow>& rows) {
  Expect("videos still marked for a new placement file", 0,
         db.Execute("SELECT count(*) FROM placement_file_jobs").Single()[0].As<std::int64_t>());
  std::map<std::string, std::set<std::string>> live;  // video -> live placements
  std::map<std::string, std::set<std::string>> urls;  // video -> the file_urls they name
  for (const auto& [id, row] : rows) {
    if (row.deleted)
      continue;
    live[row.video].insert(id);
    urls[row.video].insert(row.file_url);
  }
  std::int64_t stale = 0;
  for (const auto& [video, ids] : live) {
    const std::optional<std::set<std::string>> listed =
        urls[video].size() == 1 ? ManifestIds(*urls[video].begin()) : std::nullopt;
    stale += listed != ids ? 1 : 0;
  }
  Report("videos with live placements", std::to_string(live.size()));
  Expect("videos whose placement file does not list exactly their live placements", 0, stale);
}

void CheckStream(const Options& options, const std::vector<Event>& events) {
  std::map<std::string, int> copies;
  natsConnection* connection = nullptr;
  jsCtx* jetstream = nullptr;
  jsStreamInfo* info = nullptr;
  std::uint64_t messages = 0;
  natsOptions* nats_options = nullptr;
  natsOptions_Create(&nats_options);
  std::vector<std::string> servers = Split(options.nats, ',');
  std::vector<const char*> pointers;
  pointers.reserve(servers.size());
  for (const std::string& server : servers)
    pointers.push_back(server.c_str());
  natsOptions_SetServers(nats_options, pointers.data(), static_cast<int>(pointers.size()));
  if (natsConnection_Connect(&connection, nats_options) == NATS_OK &&
      natsConnection_JetStream(&jetstream, connection, nullptr) == NATS_OK &&
      js_GetStreamInfo(&info, jetstream, "NEDLIA_EVENTS", nullptr, nullptr) == NATS_OK) {
    for (std::uint64_t sequence = info->State.FirstSeq; sequence <= info->State.LastSeq;
         ++sequence) {
      natsMsg* message = nullptr;
      if (js_GetMsg(&message, jetstream, "NEDLIA_EVENTS", sequence, nullptr, nullptr) != NATS_OK)
        continue;
      ++messages;
      const char* id = nullptr;
      if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr)
        ++copies[id];
      natsMsg_Destroy(message);
    }
  } else {
    Report("stream", "cannot be read");
  }
  if (info != nullptr)
    jsStreamInfo_Destroy(info);
  if (jetstream != nullptr)
    jsCtx_Destroy(jetstream);
  if (connection != nullptr)
    natsConnection_Destroy(connection);
  natsOptions_Destroy(nats_options);
  std::int64_t missing = 0, duplicated = 0;
  std::set<std::string> logged;
  for (const Event& event : events) {
    logged.insert(event.id);
    const auto found = copies.find(event.id);
    missing += found == copies.end() ? 1 : 0;
    duplicated += found != copies.end() && found->second > 1 ? 1 : 0;
  }
  std::int64_t strangers = 0;
  for (const auto& [id, count] : copies)
    strangers += logged.contains(id) ? 0 : 1;
  Report("stream: messages / events in the log",
         std::to_string(messages) + " / " + std::to_string(events.size()));
  Expect("stream: events of the log missing from the stream", 0, missing);
  Expect("stream: events in the stream more than once", 0, duplicated);
  Expect("stream: messages of no event in the log", 0, strangers);
}

void CheckAnswers(const std::vector<Ack>& acks) {
  std::map<int, std::int64_t> by_status;
  std::int64_t bare_503 = 0, hangs = 0;
  for (const Ack& ack : acks) {
    ++by_status[ack.status];
    bare_503 += ack.status == 503 && !ack.retry_after ? 1 : 0;
    hangs += ack.status == 0 && ack.latency_ms >= 29'000 ? 1 : 0;
  }
  std::string histogram;
  for (const auto& [status, count] : by_status) {
    histogram +=
        (histogram.empty() ? "" : ", ") + std::to_string(status) + ": " + std::to_string(count);
  }
  Report("answers by status (0: none)", histogram);
  std::vector<std::int64_t> latencies;
  std::int64_t first = 0, last = 0;
  for (const Ack& ack : acks) {
    if (!ack.Ok())
      continue;
    latencies.push_back(ack.latency_ms);
    first = first == 0 ? ack.StartMs() : std::min(first, ack.StartMs());
    last = std::max(last, ack.at_ms);
  }
  if (!latencies.empty() && last > first) {
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double q) {
      return latencies[static_cast<std::size_t>(q * static_cast<double>(latencies.size() - 1))];
    };
    Report("writes answered 2xx per second, whole run (latency p50 / p99 ms)",
           std::to_string(static_cast<std::int64_t>(latencies.size()) * 1000 / (last - first)) +
               " (" + std::to_string(at(0.5)) + " / " + std::to_string(at(0.99)) + ")");
  }
  Expect("answers 500", 0, by_status[500]);
  Expect("answers 503 without Retry-After", 0, bare_503);
  Expect("requests left hanging 30 s", 0, hangs);
}

/// Per fault: failed writes while it lasted, and from its end to the first write answered 2xx
/// that started after it (for the failover: from the first failure to that write, the RTO).
void PrintFaults(const std::vector<Ack>& acks, const std::vector<Fault>& faults) {
  std::cout << "\n| fault | from (s) | lasted (s) | writes failed | 2xx again after its end (s) "
               "| first failure to 2xx (s) |\n|---|---|---|---|---|---|\n";
  const std::int64_t origin = acks.empty() ? 0 : acks.front().StartMs();
  for (const Fault& fault : faults) {
    std::int64_t failed = 0;
    std::optional<std::int64_t> first_failure, recovered;
    for (const Ack& ack : acks) {
      if (ack.op == "refresh")
        continue;
      const bool during = ack.at_ms >= fault.start_ms && ack.StartMs() <= fault.end_ms;
      if (during && (ack.status == 0 || ack.status >= 500)) {
        ++failed;
        if (!first_failure || ack.at_ms < *first_failure)
          first_failure = ack.at_ms;
      }
      if (ack.Ok() && ack.StartMs() >= fault.end_ms && (!recovered || ack.at_ms < *recovered))
        recovered = ack.at_ms;
    }
    const auto seconds = [](std::int64_t ms) {
      char text[32];
      std::snprintf(text, sizeof text, "%.2f", static_cast<double>(ms) / 1000.0);
      return std::string(text);
    };
    std::cout << "| " << fault.name << " | " << seconds(fault.start_ms - origin) << " | "
              << seconds(fault.end_ms - fault.start_ms) << " | " << failed << " | "
              << (recovered ? seconds(*recovered - fault.end_ms) : "never") << " | "
              << (first_failure && recovered ? seconds(*recovered - *first_failure) : "-")
              << " |\n";
  }
}

Options Parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--database") {
      options.database = value;
    } else if (flag == "--acks") {
      options.acks = value;
    } else if (flag == "--receipts") {
      options.receipts = value;
    } else if (flag == "--faults") {
      options.faults = value;
    } else if (flag == "--nats") {
      options.nats = value;
    } else if (flag == "--webhook-types") {
      for (const std::string& type : Split(value, ','))
        options.webhook_types.insert(type);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  if (options.database.empty() || options.acks.empty() || options.receipts.empty() ||
      options.faults.empty() || options.nats.empty())
    throw std::invalid_argument("--database, --acks, --receipts, --faults and --nats are needed");
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = Parse(argc, argv);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const std::vector<Ack> acks = ReadAcks(options.acks);
    Connection db = Connection::Open(options.database);
    const std::vector<Event> events = ReadEvents(db);
    const std::map<std::string, PlacementRow> placements = ReadPlacements(db);
    CheckPlacements(placements, acks, events);
    CheckValidations(db, acks, events);
    CheckWebhooks(options, events);
    CheckPlacementFiles(db, placements);
    CheckStream(options, events);
    CheckAnswers(acks);
    bool ok = true;
    std::cout << "| check | expected | found | |\n|---|---|---|---|\n";
    for (const Check& check : checks) {
      std::cout << "| " << check.name << " | " << check.expected << " | " << check.found << " | "
                << (check.expected == "-" ? ""
                    : check.ok            ? "ok"
                                          : "**FAILED**")
                << " |\n";
      ok = ok && check.ok;
    }
    PrintFaults(acks, ReadFaults(options.faults));
    return ok ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "chaos_check: " << error.what() << "\n";
    return 2;
  }
}
