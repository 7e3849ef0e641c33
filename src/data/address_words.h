#pragma once
// Word tables for address normalisation: each address token found here is replaced by its
// standard form (STREET -> ST) before the tokens are joined. Data only; the rule that uses
// them is in identity.cpp.
#include <map>
#include <string>
#include <string_view>

namespace cleanroom::data {

// Token -> replacement for the country (ISO alpha-2, canonical), uppercase.
const std::map<std::string, std::string>& address_words(std::string_view country);

// Full state/province name (uppercase, letters only) -> its code, for the countries that have
// a table; empty for the others.
const std::map<std::string, std::string>& state_codes(std::string_view country);

// Country name or ISO alpha-3 code (uppercase, letters only) -> ISO alpha-2.
const std::map<std::string, std::string>& country_codes();

}  // namespace cleanroom::data
