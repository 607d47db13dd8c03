#include "encoding/json_pointer.hpp"

namespace nedlia::encoding {

std::string JsonPointerToken(std::string_view name) {
  std::string token;
  token.reserve(name.size());
  for (const char c : name) {
    if (c == '~') {
      token += "~0";
    } else if (c == '/') {
      token += "~1";
    } else {
      token += c;
    }
  }
  return token;
}

}  // namespace nedlia::encoding
