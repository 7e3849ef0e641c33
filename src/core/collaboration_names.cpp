#include "core/collaboration_names.h"

#include "core/platform.h"

namespace cleanroom::core {
namespace {

// The code points of `utf8`; a byte that starts no valid sequence stands for itself.
std::vector<char32_t> code_points(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    bool ok = len > 0 && i + len <= s.size();
    for (int k = 1; ok && k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      out.push_back(b);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

bool is_bidi_control(char32_t c) {
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E ||
         c == 0x200F || c == 0x061C;
}

// Unicode format characters (general category Cf) that show nothing: bidi controls, zero-width
// spaces and joiners, the word joiner and invisible operators, the BOM, the soft hyphen.
bool is_invisible(char32_t c) {
  return is_bidi_control(c) || (c >= 0x200B && c <= 0x200D) || (c >= 0x2060 && c <= 0x2064) ||
         (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || c == 0x00AD || c == 0x180E || c == 0x034F ||
         (c >= 0xFE00 && c <= 0xFE0F);
}

bool is_space(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

// Lowercase ASCII for ASCII letters and for the Greek, Cyrillic and fullwidth letters that look
// like them in "AMC" and in the platform's names; any other character as it is.
char32_t folded(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A' + 'a';
  if (c >= 0xFF21 && c <= 0xFF3A) return c - 0xFF21 + 'a';  // fullwidth A..Z
  if (c >= 0xFF41 && c <= 0xFF5A) return c - 0xFF41 + 'a';  // fullwidth a..z
  switch (c) {
    case 0x0410:
    case 0x0430:
    case 0x0391:
    case 0x03B1:
      return 'a';  // А а Α α
    case 0x041C:
    case 0x043C:
    case 0x039C:
      return 'm';  // М м Μ
    case 0x0421:
    case 0x0441:
    case 0x03F9:
    case 0x03F2:
      return 'c';  // С с Ϲ ϲ
    case 0x0415:
    case 0x0435:
    case 0x0395:
      return 'e';  // Е е Ε
    case 0x041E:
    case 0x043E:
    case 0x039F:
    case 0x03BF:
      return 'o';  // О о Ο ο
    case 0x0420:
    case 0x0440:
    case 0x03A1:
    case 0x03C1:
      return 'p';  // Р р Ρ ρ
    case 0x0405:
    case 0x0455:
      return 's';  // Ѕ ѕ
    case 0x0406:
    case 0x0456:
    case 0x0399:
      return 'i';  // І і Ι
    case 0x0422:
    case 0x03A4:
      return 't';  // Т Τ
    default:
      return c;
  }
}

// The name as compared: invisible characters gone, letters folded, runs of spaces one space,
// no space at either end.
std::u32string canonical(std::string_view utf8) {
  std::u32string out;
  for (char32_t c : code_points(utf8)) {
    if (is_invisible(c)) continue;
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(folded(c));
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::u32string ascii32(std::string_view s) { return std::u32string(s.begin(), s.end()); }

Status check_display_name(const std::string& name, const std::string& field) {
  if (has_bidi_controls(name))
    return Error::validation(
        field +
            " contains a bidi control character (U+202A-U+202E, "
            "U+2066-U+2069, U+200E, U+200F or U+061C), which makes a name display "
            "as another",
        field);
  if (is_platform_account_name(name))
    return Error::validation(field + " '" + name +
                                 "' is the name of a platform service account; "
                                 "choose a name of your own",
                             field);
  return {};
}

}  // namespace

bool has_bidi_controls(std::string_view utf8) {
  for (char32_t c : code_points(utf8))
    if (is_bidi_control(c)) return true;
  return false;
}

bool is_reserved_collaboration_name(std::string_view utf8) {
  // Leading spaces count as the name's start: " AMC x" displays as "AMC x" in a list.
  std::u32string name = canonical(utf8);
  if (!name.empty() && name.front() == ' ') name.erase(0, 1);
  return name.rfind(ascii32("amc "), 0) == 0;
}

bool is_platform_account_name(std::string_view utf8) {
  std::u32string name = canonical(utf8);
  if (!name.empty() && name.front() == ' ') name.erase(0, 1);
  for (const auto& role : platform_roles())
    if (name == canonical(role.display_name)) return true;
  return false;
}

Status check_collaboration_name(const std::string& name) {
  if (has_bidi_controls(name))
    return Error::validation(
        "name contains a bidi control character (U+202A-U+202E, "
        "U+2066-U+2069, U+200E, U+200F or U+061C), which makes a name display "
        "as another",
        "name");
  if (is_reserved_collaboration_name(name))
    return Error::validation("name '" + name +
                                 "' starts with \"AMC \", which is reserved for the "
                                 "collaborations of AMC instances",
                             "name");
  return {};
}

Status check_collaboration_names(const CreateCollaborationRequest& req) {
  CR_TRY(check_collaboration_name(req.name));
  CR_TRY(check_display_name(req.creator_display_name, "creatorDisplayName"));
  for (size_t i = 0; i < req.members.size(); ++i)
    CR_TRY(check_display_name(req.members[i].display_name,
                              "members[" + std::to_string(i) + "].displayName"));
  return {};
}

}  // namespace cleanroom::core
