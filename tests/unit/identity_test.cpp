// The identity rules of docs/identity.md as data: each case is an input, the type and country
// it is read as, and the normalised value (or none). The expressions run through the engine,
// exactly as an upload runs them.
#include "data/identity.h"

#include <gtest/gtest.h>

#include <optional>

#include "common/crypto.h"
#include "engine/engine.h"

namespace cleanroom::data {
namespace {

struct Case {
  PiiType type;
  const char* country;
  const char* input;
  std::optional<std::string> normalised;  // nullopt: not a usable value, stored as NULL
};

const auto kNone = std::nullopt;

const Case kCases[] = {
    // email: lowercase, everything outside [\w.@-] dropped, must look like x@y.
    {PiiType::Email, "US", "John.Doe@Example.COM", "john.doe@example.com"},
    {PiiType::Email, "US", "  jane@example.com\t", "jane@example.com"},
    {PiiType::Email, "US", "john+newsletter@example.com",
     "johnnewsletter@example.com"},  // + dropped, tag kept
    {PiiType::Email, "US", "o'brien@example.com", "obrien@example.com"},
    {PiiType::Email, "US", "<first_last-1@mail.example.co.uk>", "first_last-1@mail.example.co.uk"},
    {PiiType::Email, "US", "Jöhn@Exämple.DE", "jöhn@exämple.de"},
    {PiiType::Email, "US", "a@ +example.com", "a@example.com"},
    {PiiType::Email, "US", "not-an-email", kNone},
    {PiiType::Email, "US", "+@example.com", kNone},  // nothing kept before the @
    {PiiType::Email, "US", "a@@example.com", kNone},
    {PiiType::Email, "US", "@example.com", kNone},
    {PiiType::Email, "US", "john@", kNone},
    {PiiType::Email, "US", "", kNone},
    // phone: must start with the country calling code; digits of E.164 without the +.
    {PiiType::Phone, "US", "+1 (206) 555-0100", "12065550100"},
    {PiiType::Phone, "US", "1-206-555-0100", "12065550100"},
    {PiiType::Phone, "US", "+1 206 555 0100 ext. 12", "12065550100"},
    {PiiType::Phone, "US", "+1 206 555 010", kNone},  // 9 national digits: not possible in NANP
    {PiiType::Phone, "US", "206-555-0100", "2065550100"},  // read as calling code 20 (Egypt)
    {PiiType::Phone, "GB", "+44 20 7946 0958", "442079460958"},
    {PiiType::Phone, "GB", "+44 (0)20 7946 0958", "442079460958"},  // trunk 0 dropped
    {PiiType::Phone, "GB", "0044 20 7946 0958", kNone},             // no calling code starts with 0
    {PiiType::Phone, "FR", "+33 (0)1 23 45 67 89", "33123456789"},
    {PiiType::Phone, "IT", "+39 06 1234 5678", "390612345678"},  // Italy keeps its leading 0
    {PiiType::Phone, "DE", "+49 30 1234567", "49301234567"},
    {PiiType::Phone, "JP", "+81 3-1234-5678", "81312345678"},
    {PiiType::Phone, "IN", "+91 98765 43210", "919876543210"},
    {PiiType::Phone, "US", "+7 495 123-45-67", "74951234567"},  // a calling code without a table
    {PiiType::Phone, "US", "12345", kNone},
    // first and last names: lowercase, umlauts and ß ø æ spelled out, only [a-z0-9] kept.
    {PiiType::FirstName, "US", "  Mary-Jane ", "maryjane"},
    {PiiType::FirstName, "DE", "Jürgen", "juergen"},
    {PiiType::FirstName, "DK", "Søren", "soren"},
    {PiiType::FirstName, "FR", "José", "jos"},  // other accented letters are dropped
    {PiiType::LastName, "US", "O'Connor", "oconnor"},
    {PiiType::LastName, "DE", "STRAUß", "strauss"},
    {PiiType::LastName, "DE", "ÄNNE MÜLLER", "aennemueller"},
    {PiiType::LastName, "US", "...", kNone},
    // city: as names.
    {PiiType::City, "US", "San Francisco", "sanfrancisco"},
    {PiiType::City, "US", "St. Louis", "stlouis"},
    {PiiType::City, "DE", "München", "muenchen"},
    // address: tokens, word table, joined without separators, lowercase.
    {PiiType::Address, "US", "123 Main Street", "123mainst"},
    {PiiType::Address, "US", "  123   MAIN st  ", "123mainst"},
    {PiiType::Address, "US", "456 North Oak Avenue, Suite 200", "456noakaveste200"},
    {PiiType::Address, "US", "789 Elm Boulevard #12", "789elmblvdnumber12"},
    {PiiType::Address, "US", "789 Elm Blvd APT#12", "789elmblvdaptnumber12"},
    {PiiType::Address, "US", "12-B Baker Street", "12bbakerst"},
    {PiiType::Address, "US", "1600 Pennsylvania Ave. NW",
     "1600pennsylvaniaave.nw"},  // the period stays
    {PiiType::Address, "US", "C/O Jane Roe, 1 Infinite Loop", "janeroe1infiniteloop"},
    {PiiType::Address, "US", "West 5th Street (rear)", "west5thstrear"},
    {PiiType::Address, "GB", "10 Downing Street", "10downingst"},
    {PiiType::Address, "DE", "Hauptstraße 5", "hauptstrasse5"},
    // postal code, by country format.
    {PiiType::PostalCode, "US", "98101", "98101"},
    {PiiType::PostalCode, "US", "98101-1234", "98101"},
    {PiiType::PostalCode, "US", " 02134 ", "02134"},
    {PiiType::PostalCode, "US", "9810", kNone},
    {PiiType::PostalCode, "CA", "k1a 0b1", "K1A0B1"},
    {PiiType::PostalCode, "CA", "123456", kNone},
    {PiiType::PostalCode, "GB", "sw1a 1aa", "SW1A1AA"},
    {PiiType::PostalCode, "GB", "M1 1AE", "M11AE"},
    {PiiType::PostalCode, "IN", "110 001", "110001"},
    {PiiType::PostalCode, "JP", "100-0001", "1000001"},
    {PiiType::PostalCode, "DE", "D-10115", "10115"},
    // state: the two-letter code, lowercase.
    {PiiType::State, "US", "California", "ca"},
    {PiiType::State, "US", " new york ", "ny"},
    {PiiType::State, "US", "N.Y.", "ny"},
    {PiiType::State, "US", "WA", "wa"},
    {PiiType::State, "US", "Calif", "ca"},  // not a name in the table: its first two letters
    {PiiType::State, "US", "District of Columbia", "dc"},
    {PiiType::State, "CA", "British Columbia", "bc"},
    {PiiType::State, "CA", "Québec", "qc"},
    {PiiType::State, "DE", "Thüringen", "th"},
    {PiiType::State, "US", "", kNone},
    // country: the ISO alpha-2 code, lowercase.
    {PiiType::Country, "US", "United States", "us"},
    {PiiType::Country, "US", "usa", "us"},
    {PiiType::Country, "US", "UK", "gb"},
    {PiiType::Country, "US", "Deutschland", "de"},
    {PiiType::Country, "US", "fr", "fr"},
    {PiiType::Country, "US", "Atlantis", kNone},
};

class IdentityTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = std::move(engine::Engine::open({})).value(); }

  // Runs `sql_of("v")` over the one value, returning the answer or nullopt for NULL.
  std::optional<std::string> eval(const std::string& expression, const std::string& input) {
    auto& c = engine_->connection();
    auto stmt = c.prepare("SELECT " + expression + " FROM (SELECT $1::VARCHAR AS v)");
    EXPECT_TRUE(stmt.ok()) << expression << ": " << (stmt.ok() ? "" : stmt.error().message);
    if (!stmt.ok()) return "<error>";
    EXPECT_TRUE(stmt->bind(1, input).ok());
    auto r = stmt->execute();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return "<error>";
    auto rows = r->rows();
    if (!rows.ok() || rows->size() != 1) return "<error>";
    const auto& cell = (*rows)[0][0];
    if (std::holds_alternative<std::monostate>(cell)) return std::nullopt;
    return std::get<std::string>(cell);
  }

  std::unique_ptr<engine::Engine> engine_;
};

std::string country_of(const Case& c) {
  auto country = identity_country(c.country);
  return country.ok() ? *country : "US";  // names and phones do not depend on it
}

TEST_F(IdentityTest, NormalisesEachTypeByItsRule) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(pii_type_name(c.type) + " '" + c.input + "' (" + c.country + ")");
    EXPECT_EQ(eval(normalised_sql(c.type, "v", country_of(c)), c.input), c.normalised);
  }
}

TEST_F(IdentityTest, HashesTheNormalisedValue) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(pii_type_name(c.type) + " '" + c.input + "' (" + c.country + ")");
    std::optional<std::string> expected;
    if (c.normalised) expected = crypto::sha256_hex(*c.normalised);
    EXPECT_EQ(eval(hashed_sql(c.type, "v", country_of(c)), c.input), expected);
  }
}

TEST_F(IdentityTest, AlreadyHashedValuesPassUnchanged) {
  const std::string hashed = crypto::sha256_hex("john.doe@example.com");
  for (const auto& name : pii_type_names()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(eval(hashed_sql(*pii_type_from_name(name), "v", "US"), hashed), hashed);
  }
  // Only lowercase hex counts as hashed: uppercase hex is an ordinary (and here invalid) email.
  std::string upper = hashed;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(eval(hashed_sql(PiiType::Email, "v", "US"), upper), std::nullopt);
  EXPECT_EQ(eval(hashed_sql(PiiType::FirstName, "v", "US"), upper), crypto::sha256_hex(hashed));
}

TEST_F(IdentityTest, NullStaysNull) {
  auto& c = engine_->connection();
  for (const auto& name : pii_type_names()) {
    auto r = c.query("SELECT " + hashed_sql(*pii_type_from_name(name), "v", "US") +
                     " FROM (SELECT NULL::VARCHAR AS v)");
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    auto rows = r->rows();
    ASSERT_TRUE(rows.ok());
    EXPECT_TRUE(std::holds_alternative<std::monostate>((*rows)[0][0])) << name;
  }
}

TEST(IdentityNames, RoundTrip) {
  ASSERT_EQ(pii_type_names().size(), 9u);
  for (const auto& name : pii_type_names())
    EXPECT_EQ(pii_type_name(*pii_type_from_name(name)), name);
  EXPECT_FALSE(pii_type_from_name("ssn").has_value());
}

TEST(IdentityCountry, AcceptsTheUploaderCountries) {
  EXPECT_EQ(*identity_country("us"), "US");
  EXPECT_EQ(*identity_country("UK"), "GB");
  auto bad = identity_country("XX");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Validation);
}

}  // namespace
}  // namespace cleanroom::data
