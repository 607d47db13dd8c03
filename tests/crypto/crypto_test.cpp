// SHA-256, HMAC-SHA256 and random bytes against published vectors (FIPS 180-2, RFC 4231).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "encoding/hex.hpp"

namespace nedlia::crypto {
namespace {

TEST(CryptoTest, Sha256MatchesTheStandardsVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256("abc").size(), 32U);
  EXPECT_EQ(encoding::Hex(Sha256("abc")), Sha256Hex("abc"));
}

TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  // Test case 2: a short key.
  EXPECT_EQ(encoding::Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 6: a key longer than the block size, hashed first.
  EXPECT_EQ(encoding::Hex(HmacSha256(std::string(131, '\xaa'),
                                     "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoTest, RandomBytesAreFreshEachTime) {
  EXPECT_EQ(RandomBytes(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string bytes = RandomBytes(16);
    EXPECT_EQ(bytes.size(), 16U);
    seen.insert(bytes);
  }
  EXPECT_EQ(seen.size(), 100U);
}

}  // namespace
}  // namespace nedlia::crypto
