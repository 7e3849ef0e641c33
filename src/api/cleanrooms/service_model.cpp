#include "api/cleanrooms/service_model.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <locale>
#include <regex>
#include <stdexcept>

namespace cleanroom::api::cleanrooms {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

enum class Type { Structure, List, Map, String, Integer, Long, Double, Float, Boolean, Timestamp };

Type parse_type(const std::string& name) {
  static const std::map<std::string, Type> kTypes = {
      {"structure", Type::Structure}, {"list", Type::List},       {"map", Type::Map},
      {"string", Type::String},       {"integer", Type::Integer}, {"long", Type::Long},
      {"double", Type::Double},       {"float", Type::Float},     {"boolean", Type::Boolean},
      {"timestamp", Type::Timestamp},
  };
  auto it = kTypes.find(name);
  if (it == kTypes.end()) throw std::runtime_error("unsupported shape type '" + name + "'");
  return it->second;
}

struct Shape;

struct Member {
  std::string name;
  const Shape* shape = nullptr;
  std::string location;  // "", "uri", "querystring" or "header"
  std::string location_name;
  bool required = false;
};

// A numeric bound from the model, kept with its model spelling for messages.
struct Bound {
  double value;
  std::string text;
};

struct Shape {
  Type type = Type::Structure;
  std::string type_name;
  std::vector<Member> members;  // in model order, which is the order the service reports in
  std::vector<std::string> enum_values;
  std::optional<Bound> min, max;
  std::string pattern;  // as in the model (Java syntax), for messages
  std::optional<std::wregex> regex;
  const Shape* member = nullptr;  // lists
  const Shape* key = nullptr;     // maps
  const Shape* value = nullptr;   // maps
  bool is_union = false;
  bool is_document = false;

  const Member* find(std::string_view name) const {
    auto it = std::find_if(members.begin(), members.end(),
                           [&](const Member& m) { return m.name == name; });
    return it == members.end() ? nullptr : &*it;
  }
};

enum class SegmentKind { Literal, Label, GreedyLabel };

struct Segment {
  SegmentKind kind;
  std::string text;  // the literal, or the label name
};

struct Operation {
  std::string method;
  std::string request_uri;
  int response_code = 200;
  const Shape* input = nullptr;
  std::vector<Segment> segments;
  int literal_count = 0;
};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = s.find(sep, start);
    parts.push_back(s.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes (and '+' as a space in query strings); nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]);
      int lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

// Decodes UTF-8 into code points (wchar_t is UTF-32 on the supported platforms); nullopt when
// the bytes are not well-formed UTF-8.
std::optional<std::wstring> utf8_to_wide(std::string_view s) {
  static_assert(sizeof(wchar_t) == 4, "patterns are matched on UTF-32 code points");
  std::wstring out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    // How many continuation bytes the lead byte announces; 4 marks a byte that cannot lead.
    size_t extra = b < 0x80           ? 0
                   : (b >> 5) == 0x6  ? 1
                   : (b >> 4) == 0xE  ? 2
                   : (b >> 3) == 0x1E ? 3
                                      : 4;
    if (extra == 4 || i + extra >= s.size()) return std::nullopt;
    char32_t cp = extra == 0 ? b : b & (0x3F >> extra);
    for (size_t k = 1; k <= extra; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr char32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    out += static_cast<wchar_t>(cp);
    i += extra + 1;
  }
  return out;
}

// The service measures string length in characters, not bytes.
size_t utf8_length(std::string_view s) {
  return std::count_if(s.begin(), s.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// --- Java pattern translation -------------------------------------------------------------

constexpr wchar_t kLastCodePoint = 0x10FFFF;

std::wstring char_range(wchar_t first, wchar_t last) { return {first, L'-', last}; }

// Appends c so that ECMAScript reads it as that literal character.
void append_literal(std::wstring& out, wchar_t c) {
  if (c < 0x80 && std::wstring_view(L"\\^$.|?*+()[]{}-/").find(c) != std::wstring_view::npos) {
    out += L'\\';
  }
  out += c;
}

// Java's \p{..} categories as ECMAScript class contents: exact for ASCII, and every code point
// from U+00A0 up otherwise, because std::regex has no Unicode tables; names written in other
// scripts must pass, and admitting some exotic non-ASCII punctuation is harmless here.
std::optional<std::wstring> category_class(std::wstring_view name) {
  const std::wstring non_ascii = char_range(0xA0, kLastCodePoint);
  if (name == L"L") return L"a-zA-Z" + non_ascii;
  if (name == L"M") return non_ascii;
  if (name == L"N") return L"0-9" + non_ascii;
  if (name == L"Pc") return L"_" + non_ascii;
  if (name == L"Pd") return L"\\-" + non_ascii;
  if (name == L"Zs") return L" " + non_ascii;
  return std::nullopt;
}

bool is_surrogate(wchar_t c) { return c >= 0xD800 && c <= 0xDFFF; }

// Rewrites the model's Java-syntax pattern for std::wregex (ECMAScript). nullopt for Java
// constructs with no ECMAScript form, so the pattern is skipped rather than misapplied.
std::optional<std::wstring> translate_java_pattern(std::string_view java) {
  auto in = utf8_to_wide(java);
  if (!in) return std::nullopt;
  const std::wstring& p = *in;
  auto hex4 = [&](size_t at) -> std::optional<wchar_t> {
    if (at + 4 > p.size()) return std::nullopt;
    wchar_t v = 0;
    for (size_t k = at; k < at + 4; ++k) {
      int h = p[k] < 0x80 ? hex_value(static_cast<char>(p[k])) : -1;
      if (h < 0) return std::nullopt;
      v = v * 16 + h;
    }
    return v;
  };
  // Java matches UTF-16 code units, so the model lists surrogates to admit characters beyond
  // the BMP; values are matched as code points here, so those stand for the planes above it.
  const std::wstring supplementary = char_range(0x10000, kLastCodePoint);
  std::wstring out;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    wchar_t c = p[i];
    if (c != L'\\') {
      // Java's nested classes and class intersections have no ECMAScript form.
      if (in_class && (c == L'[' || (c == L'&' && i + 1 < p.size() && p[i + 1] == L'&'))) {
        return std::nullopt;
      }
      if (c == L'[') in_class = true;
      if (c == L']') in_class = false;
      out += c;
      continue;
    }
    if (++i == p.size()) return std::nullopt;
    wchar_t e = p[i];
    if (e == L'u') {
      auto cp = hex4(i + 1);
      if (!cp) return std::nullopt;
      i += 4;
      if (!is_surrogate(*cp)) {
        append_literal(out, *cp);
        continue;
      }
      // A surrogate range such as \uDBFF-\uDC00 folds into the same supplementary range.
      if (i + 3 < p.size() && p.compare(i + 1, 3, L"-\\u") == 0) {
        auto last = hex4(i + 4);
        if (last && is_surrogate(*last)) i += 7;
      }
      out += in_class ? supplementary : L"[" + supplementary + L"]";
    } else if (e == L'p') {
      size_t close = p.find(L'}', i);
      if (i + 1 >= p.size() || p[i + 1] != L'{' || close == std::wstring::npos) return std::nullopt;
      auto cls = category_class(std::wstring_view(p).substr(i + 2, close - i - 2));
      if (!cls) return std::nullopt;
      out += in_class ? *cls : L"[" + *cls + L"]";
      i = close;
    } else if (std::wstring_view(L"dDwWsStrnf").find(e) != std::wstring_view::npos ||
               (e < 0x80 && std::ispunct(static_cast<int>(e)))) {
      out += L'\\';
      out += e;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::wregex> compile_pattern(std::string_view java) {
  auto source = translate_java_pattern(java);
  if (!source) return std::nullopt;
  try {
    std::wregex re;
    // The classic locale keeps \w, \d and \s ASCII-only, as in Java, whatever the process locale.
    re.imbue(std::locale::classic());
    re.assign(*source, std::regex::ECMAScript);
    return re;
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

// --- Messages -----------------------------------------------------------------------------

std::string member_path(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string index_path(const std::string& parent, size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string render(const json& value) {
  if (value.is_null()) return "null";
  return "'" + (value.is_string() ? value.get<std::string>() : value.dump()) + "'";
}

// The real service's wording for a failed constraint; only the first violation is reported.
Error violation(const std::string& path, std::optional<std::string> rendered,
                const std::string& constraint) {
  std::string value = rendered ? "Value " + *rendered : "Value";
  return Error::validation("1 validation error detected: " + value + " at '" + path +
                               "' failed to satisfy constraint: " + constraint,
                           path);
}

Error type_violation(const std::string& path, const json& value, const Shape& shape) {
  return violation(path, render(value), "Member must be of type " + shape.type_name);
}

Error unknown_member(const std::string& path) {
  return Error::validation("Unknown member '" + path + "'", path);
}

std::optional<std::string> bound_violation(const Shape& shape, double n, const char* what) {
  if (shape.min && n < shape.min->value) {
    return std::string("Member must have ") + what + " greater than or equal to " + shape.min->text;
  }
  if (shape.max && n > shape.max->value) {
    return std::string("Member must have ") + what + " less than or equal to " + shape.max->text;
  }
  return std::nullopt;
}

std::optional<std::string> string_violation(const Shape& shape, const std::string& s) {
  if (!shape.enum_values.empty() &&
      std::find(shape.enum_values.begin(), shape.enum_values.end(), s) == shape.enum_values.end()) {
    std::string set;
    for (const auto& v : shape.enum_values) set += (set.empty() ? "" : ", ") + v;
    return "Member must satisfy enum value set: [" + set + "]";
  }
  if (auto length = bound_violation(shape, static_cast<double>(utf8_length(s)), "length")) {
    return length;
  }
  // Only reached within the length bound: std::regex recurses once per character, and the model
  // bounds every patterned string (service_model_test holds it to that).
  if (shape.regex) {
    auto wide = utf8_to_wide(s);
    if (!wide || !std::regex_match(*wide, *shape.regex)) {
      return "Member must satisfy regular expression pattern: " + shape.pattern;
    }
  }
  return std::nullopt;
}

// --- Validation ---------------------------------------------------------------------------

bool fits_type(const Shape& shape, const json& v) {
  switch (shape.type) {
    case Type::Structure:
      return v.is_object();
    case Type::List:
      return v.is_array();
    case Type::Map:
      return v.is_object();
    case Type::String:
      return v.is_string();
    case Type::Integer:
      if (v.is_number_unsigned()) return v.get<uint64_t>() <= std::numeric_limits<int32_t>::max();
      return v.is_number_integer() && v.get<int64_t>() >= std::numeric_limits<int32_t>::min() &&
             v.get<int64_t>() <= std::numeric_limits<int32_t>::max();
    case Type::Long:
      if (v.is_number_unsigned()) return v.get<uint64_t>() <= std::numeric_limits<int64_t>::max();
      return v.is_number_integer();
    case Type::Double:
    case Type::Float:
      return v.is_number();
    case Type::Boolean:
      return v.is_boolean();
    case Type::Timestamp:
      // Epoch seconds in JSON bodies (botocore's rest-json default), ISO-8601 text elsewhere.
      return v.is_number() || v.is_string();
  }
  return false;
}

// What the real service rejects while deserializing: wrong types, unknown members, unions
// without exactly one member, and nulls inside collections.
Status check_types(const Shape& shape, const json& v, const std::string& path) {
  if (shape.is_document) return Status::Ok();
  if (!fits_type(shape, v)) return type_violation(path, v, shape);
  switch (shape.type) {
    case Type::Structure: {
      std::vector<std::string> set;
      for (const auto& [name, child] : v.items()) {
        const Member* member = shape.find(name);
        if (!member) return unknown_member(member_path(path, name));
        if (child.is_null()) continue;
        set.push_back(name);
        CR_TRY(check_types(*member->shape, child, member_path(path, name)));
      }
      if (shape.is_union && set.size() != 1) {
        std::string names;
        for (const auto& n : set) names += (names.empty() ? "" : ", ") + n;
        return violation(path, std::nullopt,
                         "Union must have exactly one member set, found " +
                             std::to_string(set.size()) +
                             (names.empty() ? "" : " (" + names + ")"));
      }
      return Status::Ok();
    }
    case Type::List:
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i].is_null()) {
          return violation(index_path(path, i), "null", "Member must not be null");
        }
        CR_TRY(check_types(*shape.member, v[i], index_path(path, i)));
      }
      return Status::Ok();
    case Type::Map:
      for (const auto& [key, child] : v.items()) {
        if (child.is_null()) {
          return violation(member_path(path, key), "null", "Member must not be null");
        }
        CR_TRY(check_types(*shape.value, child, member_path(path, key)));
      }
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

// The constraint traits, checked on input that already has the right structure.
Status check_constraints(const Shape& shape, const json& v, const std::string& path) {
  switch (shape.type) {
    case Type::Structure:
      if (shape.is_document) return Status::Ok();
      for (const Member& member : shape.members) {
        std::string child_path = member_path(path, member.name);
        auto it = v.find(member.name);
        if (it == v.end() || it->is_null()) {
          if (member.required) return violation(child_path, "null", "Member must not be null");
          continue;
        }
        CR_TRY(check_constraints(*member.shape, *it, child_path));
      }
      return Status::Ok();
    case Type::List:
      if (auto c = bound_violation(shape, static_cast<double>(v.size()), "length")) {
        return violation(path, render(v), *c);
      }
      for (size_t i = 0; i < v.size(); ++i) {
        CR_TRY(check_constraints(*shape.member, v[i], index_path(path, i)));
      }
      return Status::Ok();
    case Type::Map:
      if (auto c = bound_violation(shape, static_cast<double>(v.size()), "length")) {
        return violation(path, render(v), *c);
      }
      for (const auto& [key, child] : v.items()) {
        if (auto c = string_violation(*shape.key, key)) {
          return violation(path, render(key), "Map keys must satisfy constraint: [" + *c + "]");
        }
        CR_TRY(check_constraints(*shape.value, child, member_path(path, key)));
      }
      return Status::Ok();
    case Type::String:
      if (auto c = string_violation(shape, v.get<std::string>())) {
        return violation(path, render(v), *c);
      }
      return Status::Ok();
    case Type::Integer:
    case Type::Long:
    case Type::Double:
    case Type::Float:
      if (auto c = bound_violation(shape, v.get<double>(), "value")) {
        return violation(path, render(v), *c);
      }
      return Status::Ok();
    default:
      return Status::Ok();
  }
}

// --- Input assembly -----------------------------------------------------------------------

// Converts a label, query or header value to the member's type.
Result<json> from_text(const Shape& shape, const std::string& text, const std::string& path) {
  auto type_error = [&] { return type_violation(path, json(text), shape); };
  const char* first = text.data();
  const char* last = text.data() + text.size();
  switch (shape.type) {
    case Type::String:
    case Type::Timestamp:  // kept as sent (ISO-8601 in query strings)
      if (!utf8_to_wide(text)) return type_error();
      return json(text);
    case Type::Integer:
    case Type::Long: {
      int64_t n = 0;
      auto [end, ec] = std::from_chars(first, last, n);
      if (ec != std::errc() || end != last) return type_error();
      json value(n);
      if (!fits_type(shape, value)) return type_error();
      return value;
    }
    case Type::Double:
    case Type::Float: {
      double d = 0;
      auto [end, ec] = std::from_chars(first, last, d);
      if (ec != std::errc() || end != last || !std::isfinite(d)) return type_error();
      return json(d);
    }
    case Type::Boolean:
      if (text != "true" && text != "false") return type_error();
      return json(text == "true");
    default:
      return type_error();  // aggregates have no text form
  }
}

Result<json> parse_body(std::string_view body) {
  if (body.empty()) return json::object();
  json doc;
  try {
    doc = json::parse(body);
  } catch (const json::parse_error& e) {
    return Error::validation("The request body is malformed JSON (error at byte " +
                             std::to_string(e.byte) + ")");
  }
  if (!doc.is_object()) return Error::validation("The request body must be a JSON object");
  return doc;
}

using QueryParams = std::vector<std::pair<std::string, std::string>>;

Result<QueryParams> parse_query(std::string_view raw) {
  QueryParams params;
  for (std::string_view piece : split(raw, '&')) {
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    auto key = percent_decode(piece.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? "" : piece.substr(eq + 1), true);
    if (!key || !value) return Error::validation("The query string has a malformed %-escape");
    params.emplace_back(std::move(*key), std::move(*value));
  }
  return params;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// --- Routing ------------------------------------------------------------------------------

std::vector<Segment> parse_template(const std::string& request_uri) {
  std::vector<Segment> segments;
  for (std::string_view part : split(std::string_view(request_uri).substr(1), '/')) {
    if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
      std::string_view label = part.substr(1, part.size() - 2);
      bool greedy = label.back() == '+';
      if (greedy) label.remove_suffix(1);
      segments.push_back(
          {greedy ? SegmentKind::GreedyLabel : SegmentKind::Label, std::string(label)});
    } else {
      segments.push_back({SegmentKind::Literal, std::string(part)});
    }
  }
  return segments;
}

// Binds the path's segments to the template; nullopt when they do not fit.
std::optional<std::map<std::string, std::string>> bind_labels(
    const Operation& op, const std::vector<std::string_view>& parts) {
  const auto& segments = op.segments;
  auto greedy = std::find_if(segments.begin(), segments.end(),
                             [](const Segment& s) { return s.kind == SegmentKind::GreedyLabel; });
  bool has_greedy = greedy != segments.end();
  if (has_greedy ? parts.size() < segments.size() : parts.size() != segments.size()) {
    return std::nullopt;
  }
  size_t greedy_span = parts.size() - segments.size() + 1;
  std::map<std::string, std::string> labels;
  size_t next = 0;
  for (const Segment& segment : segments) {
    size_t span = segment.kind == SegmentKind::GreedyLabel ? greedy_span : 1;
    // The parts are views into one path, so a span of them is itself a view of that path.
    const char* begin = parts[next].data();
    const char* end = parts[next + span - 1].data() + parts[next + span - 1].size();
    std::string_view raw(begin, static_cast<size_t>(end - begin));
    next += span;
    if (segment.kind == SegmentKind::Literal) {
      if (raw != segment.text) return std::nullopt;
      continue;
    }
    auto decoded = percent_decode(raw, false);
    if (raw.empty() || !decoded) return std::nullopt;
    labels[segment.text] = std::move(*decoded);
  }
  return labels;
}

std::optional<std::vector<std::string_view>> path_parts(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  return split(raw_path.substr(1), '/');
}

}  // namespace

struct ServiceModel::Model {
  std::map<std::string, Shape> shapes;  // node-based, so Shape pointers stay valid
  std::map<std::string, Operation> operations;

  const Operation& operation(const std::string& name) const { return operations.at(name); }
};

const ServiceModel& ServiceModel::instance() {
  static const ServiceModel model(kCleanRoomsServiceModel);
  return model;
}

ServiceModel::ServiceModel(std::string_view model_json) {
  // ordered_json keeps members in model order, the order the service reports violations in.
  const auto doc = ordered_json::parse(model_json);
  auto model = std::make_unique<Model>();
  auto& shapes = model->shapes;
  auto bound = [](const ordered_json& j) { return Bound{j.get<double>(), j.dump()}; };
  for (const auto& item : doc.at("shapes").items()) {
    const auto& j = item.value();
    Shape& shape = shapes[item.key()];
    shape.type_name = j.at("type").get<std::string>();
    shape.type = parse_type(shape.type_name);
    if (j.contains("enum")) shape.enum_values = j["enum"].get<std::vector<std::string>>();
    if (j.contains("min")) shape.min = bound(j["min"]);
    if (j.contains("max")) shape.max = bound(j["max"]);
    if (j.contains("pattern")) {
      shape.pattern = j["pattern"].get<std::string>();
      shape.regex = compile_pattern(shape.pattern);
    }
    shape.is_union = j.value("union", false);
    shape.is_document = j.value("document", false);
  }
  // (ours) The model caps CleanroomsArn, the resourceArn of the tagging operations, at 100
  // characters: shorter than its own ARNs of configured table associations and analysis
  // templates. So that every resource that takes tags at creation can be tagged and listed, it
  // takes the 200 of AnalysisTemplateArn (docs/clean-rooms-api.md, "Tags").
  if (auto arn = shapes.find("CleanroomsArn"); arn != shapes.end())
    arn->second.max = Bound{200, "200"};
  // References are resolved once every shape exists; at() throws on a dangling one.
  for (const auto& item : doc.at("shapes").items()) {
    const auto& j = item.value();
    Shape& shape = shapes.at(item.key());
    auto required = j.value("required", std::vector<std::string>{});
    auto members = j.value("members", ordered_json::object());
    for (const auto& m : members.items()) {
      const auto& mj = m.value();
      shape.members.push_back(
          {m.key(), &shapes.at(mj.at("shape").get<std::string>()), mj.value("location", ""),
           mj.value("locationName", m.key()),
           std::find(required.begin(), required.end(), m.key()) != required.end()});
    }
    if (j.contains("member")) shape.member = &shapes.at(j["member"].get<std::string>());
    if (j.contains("key")) shape.key = &shapes.at(j["key"].get<std::string>());
    if (j.contains("value")) shape.value = &shapes.at(j["value"].get<std::string>());
  }
  for (const auto& item : doc.at("operations").items()) {
    const auto& j = item.value();
    Operation op;
    op.method = j.at("method").get<std::string>();
    op.request_uri = j.at("requestUri").get<std::string>();
    op.response_code = j.at("responseCode").get<int>();
    op.input = &shapes.at(j.at("input").get<std::string>());
    op.segments = parse_template(op.request_uri);
    op.literal_count = static_cast<int>(
        std::count_if(op.segments.begin(), op.segments.end(),
                      [](const Segment& s) { return s.kind == SegmentKind::Literal; }));
    model->operations.emplace(item.key(), std::move(op));
  }
  model_ = std::move(model);
}

ServiceModel::~ServiceModel() = default;

std::optional<OperationMatch> ServiceModel::match(std::string_view method,
                                                  std::string_view raw_path) const {
  auto parts = path_parts(raw_path);
  if (!parts) return std::nullopt;
  std::optional<OperationMatch> best;
  int best_literals = -1;
  for (const auto& [name, op] : model_->operations) {
    if (op.method != method || op.literal_count <= best_literals) continue;
    if (auto labels = bind_labels(op, *parts)) {
      best = OperationMatch{name, std::move(*labels)};
      best_literals = op.literal_count;
    }
  }
  return best;
}

bool ServiceModel::has_path(std::string_view raw_path) const {
  auto parts = path_parts(raw_path);
  return parts &&
         std::any_of(model_->operations.begin(), model_->operations.end(), [&](const auto& entry) {
           return bind_labels(entry.second, *parts).has_value();
         });
}

Result<json> ServiceModel::parse_input(
    const OperationMatch& m, std::string_view raw_query,
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) const {
  auto op = model_->operations.find(m.name);
  if (op == model_->operations.end()) return Error::internal("unknown operation " + m.name);
  const Shape& input_shape = *op->second.input;
  CR_ASSIGN(json input, parse_body(body));
  // A body key naming a label, query or header member must not override the value sent there.
  for (const auto& [key, value] : input.items()) {
    const Member* member = input_shape.find(key);
    if (member && !member->location.empty()) return unknown_member(key);
  }
  CR_ASSIGN(QueryParams query, parse_query(raw_query));
  for (const Member& member : input_shape.members) {
    std::vector<const std::string*> texts;
    if (member.location == "uri") {
      auto it = m.labels.find(member.location_name);
      if (it != m.labels.end()) texts.push_back(&it->second);
    } else if (member.location == "querystring") {
      for (const auto& [key, value] : query) {
        if (key == member.location_name) texts.push_back(&value);
      }
    } else if (member.location == "header") {
      for (const auto& [name, value] : headers) {
        if (iequals(name, member.location_name)) texts.push_back(&value);
      }
    }
    if (texts.empty()) continue;
    if (member.shape->type == Type::List) {  // a repeated query parameter
      json list = json::array();
      for (const std::string* text : texts) {
        CR_ASSIGN(json element, from_text(*member.shape->member, *text, member.name));
        list.push_back(std::move(element));
      }
      input[member.name] = std::move(list);
    } else {
      CR_ASSIGN(input[member.name], from_text(*member.shape, *texts.front(), member.name));
    }
  }
  return input;
}

Status ServiceModel::validate_input(const std::string& operation, const json& input) const {
  auto op = model_->operations.find(operation);
  if (op == model_->operations.end()) return Error::internal("unknown operation " + operation);
  CR_TRY(check_types(*op->second.input, input, ""));
  return check_constraints(*op->second.input, input, "");
}

int ServiceModel::response_code(const std::string& operation) const {
  return model_->operation(operation).response_code;
}

std::string ServiceModel::http_method(const std::string& operation) const {
  return model_->operation(operation).method;
}

std::string ServiceModel::request_uri(const std::string& operation) const {
  return model_->operation(operation).request_uri;
}

std::vector<std::string> ServiceModel::operation_names() const {
  std::vector<std::string> names;
  for (const auto& [name, op] : model_->operations) names.push_back(name);
  return names;
}

std::vector<std::string> ServiceModel::unsupported_pattern_shapes() const {
  std::vector<std::string> names;
  for (const auto& [name, shape] : model_->shapes) {
    if (!shape.pattern.empty() && !shape.regex) names.push_back(name);
  }
  return names;
}

}  // namespace cleanroom::api::cleanrooms
