#include "data/identity.h"

#include <array>
#include <cctype>
#include <map>

#include "data/address_words.h"
#include "engine/engine.h"

namespace cleanroom::data {
namespace {
using engine::sql_literal;

struct TypeName {
  PiiType type;
  const char* name;
};
constexpr std::array<TypeName, 9> kTypeNames = {{{PiiType::Email, "email"},
                                                 {PiiType::Phone, "phone"},
                                                 {PiiType::FirstName, "first_name"},
                                                 {PiiType::LastName, "last_name"},
                                                 {PiiType::Address, "address"},
                                                 {PiiType::PostalCode, "postal_code"},
                                                 {PiiType::City, "city"},
                                                 {PiiType::State, "state"},
                                                 {PiiType::Country, "country"}}};

// The countries of Amazon's uploader (UK is its name for GB).
constexpr std::array<const char*, 9> kCountries = {"US", "CA", "GB", "FR", "DE",
                                                   "ES", "IT", "JP", "IN"};

// Binds `value` to a name for use in `body` (DuckDB has no LET): the value is computed once
// per row even when the body uses it several times.
std::string let(const std::string& value, const std::string& name, const std::string& body) {
  return "list_transform([" + value + "], lambda " + name + ": " + body + ")[1]";
}

std::string map_literal(const std::map<std::string, std::string>& m) {
  std::string out = "MAP {";
  bool first = true;
  for (const auto& [k, v] : m) {
    out += (first ? "" : ", ") + sql_literal(k) + ": " + sql_literal(v);
    first = false;
  }
  return out + "}";
}

// The word or code a table gives for `key_sql`, else `fallback_sql`.
std::string lookup(const std::map<std::string, std::string>& table, const std::string& key_sql,
                   const std::string& fallback_sql) {
  if (table.empty()) return fallback_sql;
  return "coalesce(map_extract_value(" + map_literal(table) + ", " + key_sql + "), " +
         fallback_sql + ")";
}

// email: lowercase; drop every character outside [\w.@-] (\w in Python's Unicode sense:
// letters, digits, underscore); valid only if it then starts with [\w.-]+@[\w.-]+. This is
// the hot path of uploads, so: a value already in normal form (the common case) is taken as
// it is after one cheap match, and for the others validity is read off the raw value (a kept
// character before the first @, and the first kept character after it not another @), so the
// rewrite runs once per row.
std::string email_sql(const std::string& v) {
  const std::string w = "\\p{L}\\p{N}_.";  // with '-', always last in a class (else a range)
  return "CASE WHEN regexp_full_match(" + v + ", '[a-z0-9_.-]+@[a-z0-9_.-]+') THEN " + v +
         " WHEN regexp_matches(" + v + ", '^[^@]*[" + w + "-][^@]*@[^@" + w + "-]*[" + w +
         "-]') THEN regexp_replace(lower(" + v + "), '[^" + w + "@-]', '', 'g') END";
}

// phone: the number must start with its country calling code (Amazon's rule; a leading + is
// optional). Digits only, an extension dropped, a national trunk 0 after the calling code
// dropped where the country dials one, and the national number's length checked for the
// countries listed; any other calling code is accepted at 8 to 15 digits in all (E.164).
struct CallingCode {
  const char* code;
  bool drops_trunk_zero;
  int min_len, max_len;  // of the national significant number
};
constexpr std::array<CallingCode, 11> kCallingCodes = {
    {{"1", false, 10, 10},  // NANP (US, CA)
     {"33", true, 9, 9},
     {"34", false, 9, 9},
     {"39", false, 6, 11},  // Italy keeps its 0
     {"44", true, 9, 10},   // UK numbers have 10 digits, a few 9
     {"49", true, 5, 15},
     {"52", false, 10, 10},
     {"55", true, 10, 11},
     {"61", true, 9, 9},
     {"81", true, 9, 10},
     {"91", true, 10, 10}}};

std::string phone_sql(const std::string& v) {
  std::string cases = "CASE";
  for (const auto& cc : kCallingCodes) {
    std::string code = cc.code;
    std::string rest = "substr(_cr_d, " + std::to_string(code.size() + 1) + ")";
    if (cc.drops_trunk_zero) rest = "regexp_replace(" + rest + ", '^0', '')";
    std::string check = "CASE WHEN length(_cr_n) BETWEEN " + std::to_string(cc.min_len) + " AND " +
                        std::to_string(cc.max_len) + " THEN '" + code + "' || _cr_n END";
    cases += " WHEN starts_with(_cr_d, '" + code + "') THEN " + let(rest, "_cr_n", check);
  }
  cases += " WHEN NOT starts_with(_cr_d, '0') AND length(_cr_d) BETWEEN 8 AND 15 THEN _cr_d END";
  std::string digits =
      "regexp_replace(regexp_replace(" + v +
      ", '(?i)\\s*(ext\\.?|extension|x|#)\\s*[0-9]+\\s*$', ''), '[^0-9]', '', 'g')";
  return let(digits, "_cr_d", cases);
}

// names (and city): lowercase; ß ä ö ü ø æ spelled out; everything outside [a-z0-9] dropped.
std::string name_sql(const std::string& v) {
  std::string s = "lower(" + v + ")";
  for (const auto& [from, to] : std::array<std::pair<const char*, const char*>, 6>{
           {{"ß", "ss"}, {"ä", "ae"}, {"ö", "oe"}, {"ü", "ue"}, {"ø", "o"}, {"æ", "ae"}}})
    s = "replace(" + s + ", '" + from + "', '" + to + "')";
  return "nullif(regexp_replace(" + s + ", '[^a-z0-9]', '', 'g'), '')";
}

// address (Amazon's address SDK): uppercase (ß as SS, as Python spells it); split into tokens at
// commas, C/O, !, brackets and whitespace; split 123-A into 123 and A, and APT#5 into APT, # and 5;
// replace each token found in the country's word table (STREET -> ST, # -> NUMBER); join without
// separators; lowercase.
std::string address_sql(const std::string& v, const std::string& country) {
  const std::string pound = "'([A-Z]*)#([0-9A-Z/-]*)'";
  std::string tokens = "string_split_regex(upper(replace(" + v +
                       ", 'ß', 'ss')), '(\\s?,\\s?)+|\\bC/O\\b|!|[\\[{(]|[\\]})]|\\s+')";
  std::string dashed =
      "flatten(list_transform(" + tokens +
      ", lambda _cr_t: CASE WHEN regexp_full_match(_cr_t, '[0-9]+-[^-]*[^-0-9][^-]*') "
      "THEN string_split(_cr_t, '-') ELSE [_cr_t] END))";
  std::string pounded =
      "flatten(list_transform(" + dashed +
      ", lambda _cr_t: CASE WHEN contains(_cr_t, '#') THEN list_filter([regexp_extract(_cr_t, " +
      pound + ", 1), '#', regexp_extract(_cr_t, " + pound +
      ", 2)], lambda _cr_x: _cr_x <> '') ELSE [_cr_t] END))";
  std::string mapped = "list_transform(" + pounded +
                       ", lambda _cr_t: " + lookup(address_words(country), "_cr_t", "_cr_t") + ")";
  return "nullif(lower(array_to_string(" + mapped + ", '')), '')";
}

// postal code, by the country's format: digits (or letters and digits) only, cut to the
// format's length, and kept only if it then has the format. Letters are kept uppercase.
std::string postal_sql(const std::string& v, const std::string& country) {
  struct Format {
    const char* strip;
    int length;
    const char* shape;
  };
  Format f{"[^0-9]", 5, "[0-9]{5}"};
  if (country == "CA") f = {"[^0-9A-Za-z]", 6, "([A-Z][0-9]){3}"};
  if (country == "GB")
    f = {"[^0-9A-Za-z]", 7, "(([A-Z]{1,2}[0-9]{2,3})|([A-Z]{1,2}[0-9][A-Z][0-9]))[A-Z]{2}"};
  if (country == "IN") f = {"[^0-9]", 6, "[0-9]{6}"};
  if (country == "JP") f = {"[^0-9]", 7, "[0-9]{7}"};
  std::string cut = "substr(upper(regexp_replace(" + v + ", '" + f.strip + "', '', 'g')), 1, " +
                    std::to_string(f.length) + ")";
  return let(cut, "_cr_z",
             "CASE WHEN regexp_full_match(_cr_z, '" + std::string(f.shape) + "') THEN _cr_z END");
}

// state: uppercase, letters A-Z only; a full name in the country's table becomes its code,
// anything else longer than two characters is cut to two; lowercase.
std::string state_sql(const std::string& v, const std::string& country) {
  std::string fallback = "CASE WHEN length(" + v + ") > 2 THEN substr(_cr_s, 1, 2) ELSE _cr_s END";
  return let("regexp_replace(upper(replace(" + v + ", 'ß', 'ss')), '[^A-Z]', '', 'g')", "_cr_s",
             "nullif(lower(" + lookup(state_codes(country), "_cr_s", fallback) + "), '')");
}

// country: uppercase, letters only; a name or ISO alpha-3 code becomes the alpha-2 code, a
// two-letter code stays; anything else is not a country. Lowercase.
std::string country_sql(const std::string& v) {
  return let("regexp_replace(upper(" + v + "), '[^A-Z]', '', 'g')", "_cr_c",
             "lower(" +
                 lookup(country_codes(), "_cr_c", "CASE WHEN length(_cr_c) = 2 THEN _cr_c END") +
                 ")");
}

}  // namespace

std::optional<PiiType> pii_type_from_name(std::string_view name) {
  for (const auto& t : kTypeNames)
    if (name == t.name) return t.type;
  return std::nullopt;
}

std::string pii_type_name(PiiType type) {
  for (const auto& t : kTypeNames)
    if (t.type == type) return t.name;
  return "";
}

const std::vector<std::string>& pii_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& t : kTypeNames) out.emplace_back(t.name);
    return out;
  }();
  return names;
}

Result<std::string> identity_country(std::string_view country) {
  std::string c;
  for (char ch : country)
    c.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  if (c == "UK") c = "GB";
  for (const char* known : kCountries)
    if (c == known) return c;
  std::string list;
  for (const char* known : kCountries) list += std::string(list.empty() ? "" : ", ") + known;
  return Error::validation("country '" + std::string(country) +
                               "' is not supported for identity columns; use one of " + list,
                           "country");
}

std::string normalised_sql(PiiType type, std::string_view value_sql, std::string_view country) {
  std::string v(value_sql), c(country);
  switch (type) {
    case PiiType::Email:
      return email_sql(v);
    case PiiType::Phone:
      return phone_sql(v);
    case PiiType::FirstName:
    case PiiType::LastName:
    case PiiType::City:
      return name_sql(v);
    case PiiType::Address:
      return address_sql(v, c);
    case PiiType::PostalCode:
      return postal_sql(v, c);
    case PiiType::State:
      return state_sql(v, c);
    case PiiType::Country:
      return country_sql(v);
  }
  return "NULL";
}

std::string hashed_sql(PiiType type, std::string_view value_sql, std::string_view country) {
  std::string v(value_sql);
  // Checking the length first keeps the regular expression off almost every row.
  return "CASE WHEN strlen(" + v + ") = 64 AND regexp_full_match(" + v + ", '[a-f0-9]{64}') THEN " +
         v + " ELSE cleanroom_sha256(" + normalised_sql(type, value_sql, country) + ") END";
}

}  // namespace cleanroom::data
