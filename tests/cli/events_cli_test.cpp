// `nedlia events` end to end: the real binary and the real catalog (events/).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_database.hpp"

namespace nedlia::testing {
namespace {

namespace fs = std::filesystem;

class EventsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ =
        fs::temp_directory_path() /
        ("nedlia-events-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(work_);
    fs::create_directories(work_);
    fs::copy(SourceDir() + "/events", work_ / "events");
  }
  void TearDown() override { fs::remove_all(work_); }

  /// Runs nedlia in the work directory (which holds a copy of events/).
  CommandResult Nedlia(const std::string& arguments) {
    return RunCommand("cd " + ShellQuote(work_.string()) + " && " + ShellQuote(NedliaBinary()) +
                      " " + arguments + " 2>&1");
  }

  void Edit(const std::string& file, const std::string& from, const std::string& to) {
    const fs::path path = work_ / "events" / file;
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    std::ofstream(path) << text;
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(work_ / name) << text;
  }

  fs::path work_;
};

TEST_F(EventsCliTest, ListAndShowReadTheCatalog) {
  const auto list = Nedlia("events list");
  ASSERT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("com.nedlia.placement.created.v1\tfile-generator,notifier"),
            std::string::npos)
      << list.output;
  const auto show = Nedlia("events show placement.created.v1");
  ASSERT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("  placement_id: string (uuid), required"), std::string::npos);
  const auto schema = Nedlia("events show com.nedlia.placement.created.v1 --schema");
  EXPECT_NE(schema.output.find("\"additionalProperties\": false"), std::string::npos);
  const auto unknown = Nedlia("events show placement.teleported.v1");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.output,
            "nedlia: no event type placement.teleported.v1 in the catalog (see `nedlia events "
            "list`)\n");
}

TEST_F(EventsCliTest, CheckAcceptsAnOptionalFieldAndRefusesARemovedOne) {
  fs::copy(work_ / "events", work_ / "base", fs::copy_options::recursive);
  Edit("placement.created.v2.yaml", "consumers:", "  note:\n    type: string\nconsumers:");
  const auto added = Nedlia("events check --against base");
  EXPECT_EQ(added.exit_code, 0) << added.output;
  EXPECT_NE(added.output.find("compatible com.nedlia.placement.created.v2: field note: optional "
                              "field added"),
            std::string::npos)
      << added.output;

  Edit("placement.created.v2.yaml", "  created_by:", "  author:");
  const auto renamed = Nedlia("events check --against base");
  EXPECT_EQ(renamed.exit_code, 1) << renamed.output;
  EXPECT_NE(renamed.output.find("BREAKING   com.nedlia.placement.created.v2: field created_by: "
                                "field removed (or renamed): readers of old events still find "
                                "it (breaking: publish it as com.nedlia.placement.created.v3"),
            std::string::npos)
      << renamed.output;
  EXPECT_NE(renamed.output.find("1 breaking"), std::string::npos);
}

TEST_F(EventsCliTest, CheckAgainstAGitRevision) {
  const std::string git = "git -c user.name=test -c user.email=test@example.com ";
  ASSERT_EQ(RunCommand("cd " + ShellQuote(work_.string()) + " && git init -q && " + git +
                       "add events && " + git + "commit -q -m catalog")
                .exit_code,
            0);
  EXPECT_EQ(Nedlia("events check --against HEAD").exit_code, 0);
  const auto missing = Nedlia("events check --against no-such-revision");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("nedlia: --against no-such-revision is neither a directory nor "
                                "a git revision"),
            std::string::npos)
      << missing.output;
  Edit("video.ready.v1.yaml", "type: number\n    minimum: 0.001\n    maximum: 9999999.999",
       "type: string");
  const auto changed = Nedlia("events check --against HEAD");
  EXPECT_EQ(changed.exit_code, 1) << changed.output;
  EXPECT_NE(changed.output.find("com.nedlia.video.ready.v1: field duration: type changed from "
                                "number to string"),
            std::string::npos)
      << changed.output;
}

TEST_F(EventsCliTest, ABrokenCatalogFileIsOneLineWithFileAndLine) {
  Edit("video.ready.v1.yaml", "type: number", "type: numbr");
  const auto check = Nedlia("events check");
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_NE(check.output.find("nedlia: events/video.ready.v1.yaml:"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find("unknown type \"numbr\""), std::string::npos) << check.output;
  const auto validate = Nedlia("events validate events/video.ready.v1.yaml");
  EXPECT_EQ(validate.exit_code, 1);
}

TEST_F(EventsCliTest, ValidateChecksCloudEventsAgainstTheCatalog) {
  const std::string id = "0190f6d2-7a3e-7c4b-8d5e-0123456789ab";
  const std::string good = R"({"specversion": "1.0", "id": ")" + id +
                           R"(", "source": "/videos", "type": "com.nedlia.video.deleted.v1",
      "data": {"video_id": ")" +
                           id + R"(", "deleted_by": ")" + id + R"("}})";
  Write("good.json", good);
  const auto valid = Nedlia("events validate good.json");
  EXPECT_EQ(valid.exit_code, 0) << valid.output;
  EXPECT_EQ(valid.output, "good.json: valid com.nedlia.video.deleted.v1\n");

  Write(
      "mixed.jsonl",
      good.substr(0, good.find('\n')) + good.substr(good.find('\n') + 1) + "\n" +
          R"({"specversion": "1.0", "id": "2", "source": "/videos", "type": "com.nedlia.video.deleted.v1", "data": {"video_id": "nope"}})" +
          "\n");
  const auto mixed = Nedlia("events validate mixed.jsonl");
  EXPECT_EQ(mixed.exit_code, 1) << mixed.output;
  EXPECT_NE(mixed.output.find("mixed.jsonl[0]: valid"), std::string::npos) << mixed.output;
  EXPECT_NE(mixed.output.find("mixed.jsonl[1]: invalid: event com.nedlia.video.deleted.v1 does "
                              "not match events/video.deleted.v1.yaml: /data/video_id must be a "
                              "valid uuid; /data/deleted_by is required"),
            std::string::npos)
      << mixed.output;
}

}  // namespace
}  // namespace nedlia::testing
