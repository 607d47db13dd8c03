// The tenancy rules (app/tenancy.hpp) on the commands, over an in-memory transaction: no
// database, so each rule is seen on its own. tests/api/tenancy_matrix_pgtest.cpp checks every
// route end to end.
#include "app/tenancy.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "app/ports/database.hpp"
#include "app/product_commands.hpp"

namespace nedlia::app {
namespace {

[[noreturn]] void NotInThisTest() {
  throw std::logic_error("not used by this test");
}

/// Products in memory, as the database would keep them (live rows only).
class InMemoryProducts : public ProductStore {
 public:
  std::optional<domain::Product> Find(const domain::Uuid& id, RowLock) override {
    const auto found = rows_.find(id);
    return found == rows_.end() ? std::nullopt : std::optional(found->second);
  }
  Page<domain::Product> List(const ProductFilter& filter, const PageRequest&) override {
    Page<domain::Product> page;
    for (const auto& [id, product] : rows_) {
      if (!filter.advertiser_id || product.advertiser_id == *filter.advertiser_id)
        page.items.push_back(product);
    }
    return page;
  }
  domain::Product Insert(const domain::Product& product) override {
    return rows_[product.id] = product;
  }
  domain::Product Update(const domain::Product& product) override {
    domain::Product stored = product;
    ++stored.audit.version;
    return rows_[product.id] = stored;
  }
  bool HasActivePlacements(const domain::Uuid&) override { return false; }
  void SoftDelete(const domain::Uuid& id) override { rows_.erase(id); }

 private:
  std::map<domain::Uuid, domain::Product> rows_;
};

/// Advertisers in memory: only finding them is needed here.
class InMemoryAdvertisers : public AdvertiserStore {
 public:
  void Add(const domain::Uuid& id) { ids_.push_back(id); }

  std::optional<domain::Advertiser> Find(const domain::Uuid& id, RowLock) override {
    for (const domain::Uuid& known : ids_) {
      if (known == id)
        return domain::Advertiser{.id = id, .name = "A", .contact_email = "a@example.com"};
    }
    return std::nullopt;
  }
  Page<domain::Advertiser> List(const AdvertiserFilter&, const PageRequest&) override {
    NotInThisTest();
  }
  domain::Advertiser Insert(const domain::Advertiser&) override { NotInThisTest(); }
  domain::Advertiser Update(const domain::Advertiser&) override { NotInThisTest(); }
  AdvertiserDependents Dependents(const domain::Uuid&) override { NotInThisTest(); }
  void SoftDelete(const domain::Uuid&) override { NotInThisTest(); }
  std::optional<bool> LockForErasure(const domain::Uuid&) override { NotInThisTest(); }
  void ErasePersonalData(const domain::Uuid&) override { NotInThisTest(); }
  std::vector<domain::Uuid> DeletedAndNotErased(int, int) override { NotInThisTest(); }

 private:
  std::vector<domain::Uuid> ids_;
};

/// Keeps what a command appends, so that a test sees which events a change wrote.
class RecordingOutbox : public EventOutbox {
 public:
  domain::Uuid Append(const NewEvent& event) override {
    events.push_back(event);
    return domain::Uuid::NewV7();
  }
  std::vector<NewEvent> events;
};

/// A transaction over the stores above; the others are never reached by these commands.
class InMemoryTransaction : public Transaction {
 public:
  PlacementStore& Placements() override { NotInThisTest(); }
  PlacementDetailStore& PlacementDetails() override { NotInThisTest(); }
  CampaignStore& Campaigns() override { NotInThisTest(); }
  AdvertiserStore& Advertisers() override { return advertisers; }
  ProductStore& Products() override { return products; }
  VideoStore& Videos() override { NotInThisTest(); }
  ValidationRunStore& ValidationRuns() override { NotInThisTest(); }
  WebhookStore& Webhooks() override { NotInThisTest(); }
  EventOutbox& Outbox() override { return outbox; }
  EventFeed& Events() override { NotInThisTest(); }
  IdempotencyStore& IdempotencyKeys() override { NotInThisTest(); }
  ApiKeyStore& ApiKeys() override { NotInThisTest(); }

  InMemoryAdvertisers advertisers;
  InMemoryProducts products;
  RecordingOutbox outbox;
};

Principal Admin() {
  return {.id = domain::Uuid::NewV7(), .role = Role::kAdmin, .advertiser_id = {}, .name = "admin"};
}

Principal AdvertiserKey(const domain::Uuid& advertiser) {
  return {.id = domain::Uuid::NewV7(),
          .role = Role::kAdvertiser,
          .advertiser_id = advertiser,
          .name = "advertiser"};
}

/// The kind of app::Error the call throws; nullopt when it throws none.
std::optional<ErrorKind> KindOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& error) {
    return error.Kind();
  }
  return std::nullopt;
}

class TenancyTest : public ::testing::Test {
 protected:
  TenancyTest() {
    tx_.advertisers.Add(mine_);
    tx_.advertisers.Add(theirs_);
  }

  domain::Product Create(const Principal& caller, std::optional<domain::Uuid> advertiser) {
    return CreateProduct(tx_, {.principal = caller},
                         {.advertiser_id = advertiser, .name = "Cola", .description = {}});
  }

  InMemoryTransaction tx_;
  const domain::Uuid mine_ = domain::Uuid::NewV7();
  const domain::Uuid theirs_ = domain::Uuid::NewV7();
};

TEST_F(TenancyTest, AnAdvertiserKeyCreatesForItsOwnAdvertiserWithoutNamingIt) {
  const domain::Product product = Create(AdvertiserKey(mine_), std::nullopt);
  EXPECT_EQ(product.advertiser_id, mine_);
  ASSERT_EQ(tx_.outbox.events.size(), 1u);
  EXPECT_EQ(tx_.outbox.events[0].advertiser_id, mine_);  // so only its own feed shows it
}

TEST_F(TenancyTest, AnotherAdvertiserIsAnsweredLikeOneThatDoesNotExist) {
  try {
    Create(AdvertiserKey(mine_), theirs_);
    FAIL() << "created for another advertiser";
  } catch (const Error& error) {
    EXPECT_EQ(error.Kind(), ErrorKind::kInvalidInput);
    ASSERT_EQ(error.Fields().size(), 1u);
    EXPECT_EQ(error.Fields()[0].pointer, kNoSuchAdvertiser.pointer);
    EXPECT_EQ(error.Fields()[0].message, kNoSuchAdvertiser.message);
  }
  EXPECT_TRUE(tx_.outbox.events.empty());
}

TEST_F(TenancyTest, AnAdminMustNameTheAdvertiser) {
  EXPECT_EQ(KindOf([&] { Create(Admin(), std::nullopt); }), ErrorKind::kInvalidInput);
  EXPECT_EQ(Create(Admin(), theirs_).advertiser_id, theirs_);
}

TEST_F(TenancyTest, AnotherTenantsRowIsNotFoundAsIfItDidNotExist) {
  const domain::Product theirs = Create(Admin(), theirs_);
  EXPECT_EQ(KindOf([&] { GetProduct(tx_, AdvertiserKey(mine_), theirs.id); }),
            ErrorKind::kNotFound);
  EXPECT_EQ(KindOf([&] { GetProduct(tx_, AdvertiserKey(mine_), domain::Uuid::NewV7()); }),
            ErrorKind::kNotFound);
  EXPECT_EQ(GetProduct(tx_, AdvertiserKey(theirs_), theirs.id).id, theirs.id);
  EXPECT_EQ(GetProduct(tx_, Admin(), theirs.id).id, theirs.id);
}

TEST_F(TenancyTest, ListsAreNarrowedToTheCallersTenant) {
  Create(Admin(), theirs_);
  const domain::Product own = Create(Admin(), mine_);
  const auto listed = ListProducts(tx_, AdvertiserKey(mine_), {}, {});
  ASSERT_EQ(listed.items.size(), 1u);
  EXPECT_EQ(listed.items[0].id, own.id);
  // Asking for another advertiser's is an empty page, not an error that confirms it exists.
  EXPECT_TRUE(
      ListProducts(tx_, AdvertiserKey(mine_), {.advertiser_id = theirs_, .category = {}}, {})
          .items.empty());
  EXPECT_EQ(ListProducts(tx_, Admin(), {}, {}).items.size(), 2u);
}

TEST(TenancyRulesTest, RequireVisibleHidesRowsWithoutAnOwnerFromAdvertisers) {
  const domain::Uuid advertiser = domain::Uuid::NewV7();
  EXPECT_EQ(RequireVisible(std::optional<int>(7), Admin(), std::nullopt, "row"), 7);
  EXPECT_THROW(
      RequireVisible(std::optional<int>(7), AdvertiserKey(advertiser), std::nullopt, "row"), Error);
  EXPECT_EQ(RequireVisible(std::optional<int>(7), AdvertiserKey(advertiser), advertiser, "row"), 7);
  EXPECT_THROW(RequireVisible(std::optional<int>(), Admin(), advertiser, "row"), Error);
}

TEST(TenancyRulesTest, RequireAdminRefusesAdvertiserKeys) {
  EXPECT_NO_THROW(RequireAdmin(Admin(), "videos are the platform's"));
  EXPECT_EQ(KindOf([] { RequireAdmin(AdvertiserKey(domain::Uuid::NewV7()), "no"); }),
            ErrorKind::kForbidden);
}

}  // namespace
}  // namespace nedlia::app
