#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <limits>
#include <stdexcept>

namespace nedlia::crypto {

std::string RandomBytes(std::size_t count) {
  if (count > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("too many random bytes asked for at once");
  std::string bytes(count, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1)
    throw std::runtime_error("the system's random generator failed");
  return bytes;
}

}  // namespace nedlia::crypto
