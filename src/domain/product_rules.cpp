#include "domain/product_rules.hpp"

#include "domain/text_fields.hpp"

namespace nedlia::domain {
namespace {

constexpr std::size_t kMaxName = 255;
constexpr std::size_t kMaxCategory = 100;

}  // namespace

FieldErrors ValidateProduct(const Product& product) {
  FieldErrors errors = ValidateText(product.name, kMaxName, "/name");
  auto add = [&errors](const FieldErrors& more) {
    errors.insert(errors.end(), more.begin(), more.end());
  };
  if (product.description)
    add(ValidateFreeText(*product.description, kMaxProductDescription, "/description"));
  if (product.category)
    add(ValidateText(*product.category, kMaxCategory, "/category"));
  return errors;
}

}  // namespace nedlia::domain
