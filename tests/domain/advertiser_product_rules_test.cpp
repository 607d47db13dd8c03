// The rules of advertisers and products: their own fields, and what an advertiser's status
// change means.
#include <gtest/gtest.h>

#include <string>

#include "domain/advertiser_rules.hpp"
#include "domain/product_rules.hpp"

namespace nedlia::domain {
namespace {

std::string Pointers(const FieldErrors& errors) {
  std::string pointers;
  for (const auto& error : errors)
    pointers += (pointers.empty() ? "" : " ") + error.pointer;
  return pointers;
}

Advertiser Acme() {
  return Advertiser{.name = "Acme", .contact_email = "ads@acme.example"};
}

Product Cola() {
  return Product{.name = "Cola"};
}

TEST(AdvertiserRulesTest, NamedAdvertiserWithAnAddressIsValid) {
  EXPECT_TRUE(ValidateAdvertiser(Acme()).empty());
}

TEST(AdvertiserRulesTest, BlankNameAndMalformedAddressAreBothReported) {
  Advertiser advertiser = Acme();
  advertiser.name = "  ";
  advertiser.contact_email = "ads at acme";
  EXPECT_EQ(Pointers(ValidateAdvertiser(advertiser)), "/name /contact_email");
}

TEST(AdvertiserRulesTest, NameIsLimitedTo255Characters) {
  Advertiser advertiser = Acme();
  advertiser.name = std::string(255, 'a');
  EXPECT_TRUE(ValidateAdvertiser(advertiser).empty());
  advertiser.name += "a";
  EXPECT_EQ(Pointers(ValidateAdvertiser(advertiser)), "/name");
  // Characters, not bytes: 255 two-byte letters fit VARCHAR(255).
  advertiser.name.clear();
  for (int i = 0; i < 255; ++i)
    advertiser.name += "é";
  EXPECT_TRUE(ValidateAdvertiser(advertiser).empty());
}

TEST(AdvertiserRulesTest, StatusChangesAreSuspensionsAndReactivations) {
  using enum AdvertiserStatus;
  EXPECT_EQ(StatusChangeOf(kActive, kSuspended), AdvertiserStatusChange::kSuspended);
  EXPECT_EQ(StatusChangeOf(kSuspended, kActive), AdvertiserStatusChange::kReactivated);
  EXPECT_FALSE(StatusChangeOf(kActive, kActive));
  EXPECT_FALSE(StatusChangeOf(kSuspended, kSuspended));
  EXPECT_EQ(ToString(AdvertiserStatusChange::kSuspended), "suspended");
  EXPECT_EQ(ToString(AdvertiserStatusChange::kReactivated), "reactivated");
}

TEST(ProductRulesTest, NameAloneMakesAValidProduct) {
  EXPECT_TRUE(ValidateProduct(Cola()).empty());
}

TEST(ProductRulesTest, EmptyDescriptionIsAllowedButAnEmptyCategoryIsNot) {
  Product product = Cola();
  product.description = "";
  EXPECT_TRUE(ValidateProduct(product).empty());
  product.category = "";
  EXPECT_EQ(Pointers(ValidateProduct(product)), "/category");
}

TEST(ProductRulesTest, ColumnLimitsAreReportedPerField) {
  Product product = Cola();
  product.name = std::string(256, 'n');
  product.description = std::string(kMaxProductDescription + 1, 'd');
  product.category = std::string(101, 'c');
  EXPECT_EQ(Pointers(ValidateProduct(product)), "/name /description /category");
  product.name = std::string(255, 'n');
  product.description = std::string(kMaxProductDescription, 'd');
  product.category = std::string(100, 'c');
  EXPECT_TRUE(ValidateProduct(product).empty());
}

TEST(ProductRulesTest, ControlCharactersAndBrokenUtf8AreRefused) {
  Product product = Cola();
  product.name = std::string("Co\x01la");
  product.category = std::string("\xff");
  EXPECT_EQ(Pointers(ValidateProduct(product)), "/name /category");
}

}  // namespace
}  // namespace nedlia::domain
