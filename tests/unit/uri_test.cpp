#include "common/uri.h"

#include <gtest/gtest.h>

#include <string>

namespace cleanroom {
namespace {

TEST(UriEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(uri_encode("AZaz09-_.~", false), "AZaz09-_.~");
  EXPECT_EQ(uri_encode("a b+c=d&e", false), "a%20b%2Bc%3Dd%26e");
  EXPECT_EQ(uri_encode("", false), "");
}

TEST(UriEncode, EncodesSlashUnlessAskedToKeepIt) {
  EXPECT_EQ(uri_encode("results/2024/q1.csv", false), "results%2F2024%2Fq1.csv");
  EXPECT_EQ(uri_encode("results/2024/q1.csv", true), "results/2024/q1.csv");
}

TEST(UriEncode, WritesEveryOtherByteAsUppercaseHex) {
  // UTF-8 bytes one by one, control and high bytes included; never a locale's idea of a letter.
  EXPECT_EQ(uri_encode("caf\xc3\xa9", false), "caf%C3%A9");
  EXPECT_EQ(uri_encode(std::string("\x00\x7f\xff", 3), true), "%00%7F%FF");
  EXPECT_EQ(uri_encode("%2F", false), "%252F");
}

}  // namespace
}  // namespace cleanroom
