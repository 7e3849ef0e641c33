// AMC's SQL dialect into DuckDB's (amc_dialect.h). Each AMC function is one entry of a table: a
// new DuckDB name for the same call, a DuckDB expression written as SQL with $1, $2... for the
// arguments (parsed once per thread by DuckDB's own parser, so the nodes are exactly the ones it
// would build from text), or a handler for what a fixed template cannot say. The function list and
// the meanings come from AMC's public SQL reference; where a DuckDB function has the same name and
// another meaning (DAYOFWEEK, REGEXP_REPLACE, GREATEST, FORMAT), AMC's meaning wins.
#include "policy/amc_dialect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <iterator>
#include <set>
#include <unordered_map>

#include "policy/parameters.h"
#include "policy/sql_nodes.h"
#include "policy/sql_parser.h"

namespace cleanroom::policy {

using nlohmann::json;
using WindowExtension = CheckedQuery::WindowExtension;

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// ---------------------------------------------------------------------------------------------
// The text step: TABLE ( EXTEND_TIME_WINDOW ( ... ) ) -> EXTEND_TIME_WINDOW ( ... )

enum class TokenKind { Word, Symbol, Other };

struct Token {
  TokenKind kind;
  size_t begin;
  size_t end;
};

bool word_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool word_part(unsigned char c) { return word_start(c) || std::isdigit(c) || c == '$'; }

// The end of the quoted run that opens at `i`; a doubled quote stays inside it, and so does any
// character after a backslash when `backslash` (E'...' strings).
size_t skip_quoted(std::string_view s, size_t i, char quote, bool backslash) {
  for (++i; i < s.size(); ++i) {
    if (backslash && s[i] == '\\') {
      ++i;
      continue;
    }
    if (s[i] != quote) continue;
    if (i + 1 < s.size() && s[i + 1] == quote) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return s.size();
}

// The end of a dollar-quoted string ($$...$$, $tag$...$tag$) opening at `i`, or npos when the
// $ there opens none ($1 is a parameter).
size_t skip_dollar_quoted(std::string_view s, size_t i) {
  size_t j = i + 1;
  while (j < s.size() && s[j] != '$' && word_part(static_cast<unsigned char>(s[j]))) ++j;
  if (j >= s.size() || s[j] != '$') return std::string_view::npos;
  if (j > i + 1 && std::isdigit(static_cast<unsigned char>(s[i + 1])))
    return std::string_view::npos;
  std::string_view tag = s.substr(i, j - i + 1);
  size_t close = s.find(tag, j + 1);
  return close == std::string_view::npos ? s.size() : close + tag.size();
}

// The end of the comment opening at `i` (-- to the end of the line; /* */ nesting, as in
// DuckDB's parser), or `i` when none opens there.
size_t skip_comment(std::string_view s, size_t i) {
  if (s.compare(i, 2, "--") == 0) {
    size_t eol = s.find('\n', i);
    return eol == std::string_view::npos ? s.size() : eol + 1;
  }
  if (s.compare(i, 2, "/*") != 0) return i;
  int depth = 0;
  while (i < s.size()) {
    if (s.compare(i, 2, "/*") == 0) {
      ++depth;
      i += 2;
    } else if (s.compare(i, 2, "*/") == 0) {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return s.size();
}

// Words, one-character symbols and opaque runs (strings, quoted identifiers, numbers); comments
// and blanks are left out.
std::vector<Token> tokens_of(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    if (size_t end = skip_comment(s, i); end != i) {
      i = end;
      continue;
    }
    size_t begin = i;
    if (c == '\'') {
      out.push_back({TokenKind::Other, begin, i = skip_quoted(s, i, '\'', false)});
    } else if (c == '"') {
      out.push_back({TokenKind::Other, begin, i = skip_quoted(s, i, '"', false)});
    } else if (c == '$' && skip_dollar_quoted(s, i) != std::string_view::npos) {
      out.push_back({TokenKind::Other, begin, i = skip_dollar_quoted(s, i)});
    } else if (word_start(c)) {
      while (i < s.size() && word_part(static_cast<unsigned char>(s[i]))) ++i;
      bool escape_string = i - begin == 1 && (c == 'e' || c == 'E') && i < s.size() && s[i] == '\'';
      if (escape_string) i = skip_quoted(s, i, '\'', true);
      out.push_back({escape_string ? TokenKind::Other : TokenKind::Word, begin, i});
    } else if (std::isdigit(c)) {
      while (i < s.size() && (word_part(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.push_back({TokenKind::Other, begin, i});
    } else {
      out.push_back({TokenKind::Symbol, begin, ++i});
    }
  }
  return out;
}

}  // namespace

std::string amc_parseable_text(std::string_view sql) {
  std::string out(sql);
  std::vector<Token> t = tokens_of(sql);
  auto word = [&](size_t k, std::string_view w) {
    return k < t.size() && t[k].kind == TokenKind::Word &&
           same_name(sql.substr(t[k].begin, t[k].end - t[k].begin), w);
  };
  auto symbol = [&](size_t k, char ch) {
    return k < t.size() && t[k].kind == TokenKind::Symbol && sql[t[k].begin] == ch;
  };
  auto blank = [&](const Token& tok) {
    for (size_t i = tok.begin; i < tok.end; ++i) out[i] = ' ';
  };
  for (size_t k = 0; k + 3 < t.size(); ++k) {
    if (!word(k, "table") || !symbol(k + 1, '(') || !word(k + 2, "extend_time_window") ||
        !symbol(k + 3, '('))
      continue;
    int depth = 0;
    for (size_t m = k + 1; m < t.size(); ++m) {
      if (symbol(m, '(')) ++depth;
      if (!symbol(m, ')') || --depth != 0) continue;
      blank(t[k]);
      blank(t[k + 1]);
      blank(t[m]);
      break;
    }
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------------------------
// ISO-8601 durations, as core::parse_iso_duration reads them when the window is widened:
// PnYnMnWnDTnHnMnS, every part optional but one, whole numbers of at most so many digits.

bool iso_duration(std::string_view t) {
  struct Part {
    char unit;
    size_t digits;
  };
  static constexpr Part kDate[] = {{'Y', 4}, {'M', 5}, {'W', 5}, {'D', 6}};
  static constexpr Part kTime[] = {{'H', 7}, {'M', 9}, {'S', 10}};
  auto up = [&](size_t k) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(t[k])));
  };
  if (t.empty() || up(0) != 'P') return false;
  size_t i = 1, parts = 0;
  auto read = [&](const Part* from, const Part* to) {
    for (const Part* p = from; p != to && i < t.size(); ++p) {
      size_t j = i;
      while (j < t.size() && std::isdigit(static_cast<unsigned char>(t[j]))) ++j;
      if (j == i || j == t.size() || up(j) != p->unit) continue;  // this part is absent
      if (j - i > p->digits) return false;
      i = j + 1;
      ++parts;
    }
    return true;
  };
  if (!read(std::begin(kDate), std::end(kDate))) return false;
  if (i < t.size() && up(i) == 'T') {
    ++i;
    size_t before = parts;
    if (!read(std::begin(kTime), std::end(kTime)) || parts == before) return false;
  }
  return i == t.size() && parts > 0;
}

// ---------------------------------------------------------------------------------------------
// Building DuckDB expressions

void clear_locations(json& node) {
  if (node.is_array()) {
    for (auto& v : node) clear_locations(v);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) {
    if (key == "query_location")
      value = kNoLocation;
    else
      clear_locations(value);
  }
}

// The expression of `text` (SQL with $1, $2... for the arguments) as DuckDB's parser builds it,
// without positions: they would point into the template, not into the query. Fixed templates
// are kept per thread; those written for one call's number of arguments are not.
Result<json> template_of(const std::string& text, bool keep) {
  thread_local std::unordered_map<std::string, json> cache;
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  CR_ASSIGN(json tree, parse_sql("SELECT " + text));
  const json& items = member(member(tree["statements"][0], "node"), "select_list");
  if (!items.is_array() || items.size() != 1)
    return Error::internal("the AMC dialect's template is not one expression: " + text);
  json expr = items[0];
  clear_locations(expr);
  if (keep) cache.emplace(text, expr);
  return expr;
}

Status fill(json& node, const std::vector<json>& args) {
  if (node.is_array()) {
    for (auto& v : node) CR_TRY(fill(v, args));
    return {};
  }
  if (!node.is_object()) return {};
  if (node_class(node) == "PARAMETER") {
    std::string_view id = str(node, "identifier");
    size_t n = 0;
    std::from_chars(id.data(), id.data() + id.size(), n);
    if (n < 1 || n > args.size())
      return Error::internal("the AMC dialect's template names a missing argument");
    node = args[n - 1];
    node["alias"] = "";  // an argument's name (x := ...) means nothing inside the translation
    return {};
  }
  for (auto& [key, value] : node.items()) CR_TRY(fill(value, args));
  return {};
}

Result<json> instantiate(const std::string& text, const std::vector<json>& args, bool keep = true) {
  CR_ASSIGN(json out, template_of(text, keep));
  CR_TRY(fill(out, args));
  return out;
}

// `replacement` in place of `node`, under the node's alias and at its position, so that the
// output column keeps its name and a refusal of the translation points at the AMC call.
void replace(json& node, json replacement) {
  replacement["alias"] = node["alias"];
  replacement["query_location"] = member(node, "query_location");
  node = std::move(replacement);
}

// The text of a VARCHAR constant, or nullptr.
const std::string* text_of(const json& e) {
  if (node_class(e) != "CONSTANT") return nullptr;
  const json& value = member(e, "value");
  if (member(value, "is_null") == true || str(member(value, "type"), "id") != "VARCHAR")
    return nullptr;
  const json& v = member(value, "value");
  return v.is_string() ? &v.get_ref<const std::string&>() : nullptr;
}

// A list of "$1 <sep> $2 <sep> ... $n" for the variadic templates.
std::string placeholders(size_t from, size_t to, std::string_view sep,
                         std::string_view suffix = "") {
  std::string out;
  for (size_t i = from; i <= to; ++i) {
    if (i > from) out += sep;
    out += "$" + std::to_string(i);
    out += suffix;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The functions

struct Call {
  const SqlText& sql;
  const json& node;  // the call, its arguments already translated
  std::vector<json> args;
  std::string name;  // as AMC spells it, for messages
};

using Handler = Result<json> (*)(const Call&);

enum class Kind {
  Rename,     // the same call under DuckDB's name (scalar)
  Aggregate,  // the same call under DuckDB's name, also as a window function
  Template,   // a DuckDB expression of the arguments
  Custom,     // a handler
  Refuse,     // not run here; `target` says why
};

struct Rule {
  Kind kind;
  int min_args;
  int max_args;             // -1: no limit
  std::string_view target;  // DuckDB name, template, or reason
  std::string_view usage;   // the call as AMC's reference writes it
  Handler handler = nullptr;
};

// CHARINDEX / LOCATE(substring, string [, start]): 1-based, 0 when absent.
Result<json> position_of(const Call& c) {
  if (c.args.size() == 2) return instantiate("strpos($2, $1)", c.args);
  return instantiate(
      "CASE WHEN strpos(substring($2, $3), $1) = 0 THEN 0 "
      "ELSE strpos(substring($2, $3), $1) + $3 - 1 END",
      c.args);
}

// Java's replacement syntax ($1 for a group, \x for x) in RE2's (\1, and \\ for a backslash).
std::string re2_replacement(std::string_view java) {
  std::string out;
  for (size_t i = 0; i < java.size(); ++i) {
    char ch = java[i];
    if (ch == '\\' && i + 1 < java.size()) {
      char next = java[++i];
      if (next == '\\')
        out += "\\\\";
      else
        out += next;
    } else if (ch == '\\') {
      out += "\\\\";
    } else if (ch == '$' && i + 1 < java.size() &&
               std::isdigit(static_cast<unsigned char>(java[i + 1]))) {
      out += '\\';
      out += java[++i];
    } else {
      out += ch;
    }
  }
  return out;
}

// REGEXP_REPLACE replaces every match (DuckDB's replaces the first unless told 'g'); a constant
// replacement is read as Java writes it. DuckDB's own four-argument form passes unchanged.
Result<json> regexp_replace_all(const Call& c) {
  if (c.args.size() == 4) return c.node;
  std::vector<json> args = c.args;
  if (const std::string* r = text_of(args[2])) args[2]["value"]["value"] = re2_replacement(*r);
  return instantiate("regexp_replace($1, $2, $3, 'g')", args);
}

// GREATEST / LEAST are NULL when any argument is (DuckDB's skip NULLs).
Result<json> null_if_any_null(const Call& c, std::string_view fn) {
  size_t n = c.args.size();
  return instantiate("CASE WHEN " + placeholders(1, n, " OR ", " IS NULL") + " THEN NULL ELSE " +
                         std::string(fn) + "(" + placeholders(1, n, ", ") + ") END",
                     c.args, false);
}
Result<json> greatest_of(const Call& c) { return null_if_any_null(c, "greatest"); }
Result<json> least_of(const Call& c) { return null_if_any_null(c, "least"); }

// CONTAINED_IN(x, a, b, ...): x IN (a, b, ...).
Result<json> contained_in(const Call& c) {
  return instantiate("$1 IN (" + placeholders(2, c.args.size(), ", ") + ")", c.args, false);
}

// NAMED_ROW('label1', value1, 'label2', value2, ...): a struct with those field names.
Result<json> named_row(const Call& c) {
  if (c.args.size() % 2 != 0)
    return c.sql.error(c.node,
                       "NAMED_ROW takes pairs of a label and a value: NAMED_ROW('label1', value1, "
                       "'label2', value2)");
  json fields = json::array();
  std::set<std::string> seen;
  for (size_t i = 0; i < c.args.size(); i += 2) {
    const std::string* label = text_of(c.args[i]);
    if (!label || label->empty())
      return c.sql.error(c.args[i],
                         "NAMED_ROW takes each label as a non-empty string in single quotes, "
                         "before its value: NAMED_ROW('label1', value1, 'label2', value2)");
    if (!seen.insert(lower(*label)).second)
      return c.sql.error(c.args[i], "NAMED_ROW gives the same label twice");
    json value = c.args[i + 1];
    value["alias"] = *label;
    fields.push_back(std::move(value));
  }
  json out = c.node;
  out["function_name"] = "struct_pack";
  out["schema"] = "";
  out["catalog"] = "";
  out["children"] = std::move(fields);
  return out;
}

// The encoding argument of FROM_VARBINARY / TO_VARBINARY picks the DuckDB function.
Result<json> varbinary(const Call& c, bool to_binary) {
  const std::string* given = text_of(c.args[1]);
  std::string encoding = given ? lower(*given) : "";
  const char* text = nullptr;
  if (encoding == "hex") text = to_binary ? "unhex($1)" : "lower(hex($1))";
  if (encoding == "base64") text = to_binary ? "from_base64($1)" : "to_base64($1)";
  if (encoding == "utf-8" || encoding == "utf8") text = to_binary ? "encode($1)" : "decode($1)";
  if (!text)
    return c.sql.error(c.args[1], c.name +
                                      " takes its encoding as 'hex', 'base64' or 'utf-8', in "
                                      "single quotes");
  return instantiate(text, {c.args[0]});
}
Result<json> from_varbinary(const Call& c) { return varbinary(c, false); }
Result<json> to_varbinary(const Call& c) { return varbinary(c, true); }

// STR_TO_MAP(text [, pair delimiter [, key-value delimiter]]), delimiters ',' and ':' by default.
Result<json> str_to_map(const Call& c) {
  std::vector<json> args = c.args;
  if (args.size() < 2) args.push_back(text_constant(","));
  if (args.size() < 3) args.push_back(text_constant(":"));
  return instantiate("__cleanroom_amc_str_to_map($1, $2, $3)", args);
}

const std::unordered_map<std::string_view, Rule>& rules() {
  static const std::unordered_map<std::string_view, Rule> r = {
      // Date and time
      {"seconds_between",
       {Kind::Template, 2, 2, "date_sub('second', $1, $2)", "SECONDS_BETWEEN(start, end)"}},
      {"minutes_between",
       {Kind::Template, 2, 2, "date_sub('minute', $1, $2)", "MINUTES_BETWEEN(start, end)"}},
      {"hours_between",
       {Kind::Template, 2, 2, "date_sub('hour', $1, $2)", "HOURS_BETWEEN(start, end)"}},
      {"days_between",
       {Kind::Template, 2, 2, "date_sub('day', $1, $2)", "DAYS_BETWEEN(start, end)"}},
      // Seconds or milliseconds since 1970, told apart by magnitude: 1e11 seconds is the year
      // 5138, 1e11 milliseconds is March 1973.
      {"epoch_to_utc_timestamp",
       {Kind::Template, 1, 1,
        "make_timestamp(CAST(CASE WHEN abs(CAST($1 AS DOUBLE)) < 100000000000 "
        "THEN CAST($1 AS DOUBLE) * 1000000 ELSE CAST($1 AS DOUBLE) * 1000 END AS BIGINT))",
        "EPOCH_TO_UTC_TIMESTAMP(epoch)"}},
      {"convert_time_zone_from_utc",
       {Kind::Template, 2, 2, "timezone($2, timezone('UTC', CAST($1 AS TIMESTAMP)))",
        "CONVERT_TIME_ZONE_FROM_UTC(time, 'time zone')"}},
      // AMC counts 1 for Sunday to 7 for Saturday; DuckDB's dayofweek counts from 0.
      {"dayofweek", {Kind::Template, 1, 1, "isodow($1) % 7 + 1", "DAYOFWEEK(date)"}},
      // Text
      {"charindex",
       {Kind::Custom, 2, 3, "", "CHARINDEX(substring, string [, start])", position_of}},
      {"locate", {Kind::Custom, 2, 3, "", "LOCATE(substring, string [, start])", position_of}},
      {"format", {Kind::Template, 2, 2, "printf($2, $1)", "FORMAT(value, 'format')"}},
      {"regexp_replace",
       {Kind::Custom, 3, 4, "", "REGEXP_REPLACE(string, pattern, replacement)",
        regexp_replace_all}},
      {"regexp_substr",
       {Kind::Template, 2, 2, "CASE WHEN regexp_matches($1, $2) THEN regexp_extract($1, $2) END",
        "REGEXP_SUBSTR(string, pattern)"}},
      {"regexp_split",
       {Kind::Template, 2, 2, "string_split_regex($1, $2)", "REGEXP_SPLIT(string, pattern)"}},
      {"str_to_map",
       {Kind::Custom, 1, 3, "", "STR_TO_MAP(string, 'pair delimiter', 'key-value delimiter')",
        str_to_map}},
      // Numbers
      {"e", {Kind::Template, 0, 0, "exp(1)", "E()"}},
      // Conditions
      {"nvl", {Kind::Template, 2, 2, "COALESCE($1, $2)", "NVL(value, default)"}},
      {"nvl2",
       {Kind::Template, 3, 3, "CASE WHEN $1 IS NOT NULL THEN $2 ELSE $3 END",
        "NVL2(value, if_not_null, if_null)"}},
      {"contained_in",
       {Kind::Custom, 2, -1, "", "CONTAINED_IN(value, candidate [, candidate]*)", contained_in}},
      {"greatest", {Kind::Custom, 1, -1, "", "GREATEST(value [, value]*)", greatest_of}},
      {"least", {Kind::Custom, 1, -1, "", "LEAST(value [, value]*)", least_of}},
      // Hashes, binary, JSON
      {"hash64", {Kind::Template, 1, 1, "hash($1)", "HASH64(value)"}},
      {"from_varbinary",
       {Kind::Custom, 2, 2, "", "FROM_VARBINARY(binary, 'encoding')", from_varbinary}},
      {"to_varbinary", {Kind::Custom, 2, 2, "", "TO_VARBINARY(string, 'encoding')", to_varbinary}},
      {"json_serialize",
       {Kind::Template, 1, 1, "CAST(to_json($1) AS VARCHAR)", "JSON_SERIALIZE(value)"}},
      // Rows and arrays
      {"named_row",
       {Kind::Custom, 2, -1, "", "NAMED_ROW('label1', value1, 'label2', value2)", named_row}},
      {"array_cat", {Kind::Rename, 2, 2, "list_concat", "ARRAY_CAT(array1, array2)"}},
      {"array_contains", {Kind::Rename, 2, 2, "list_contains", "ARRAY_CONTAINS(array, value)"}},
      {"array_intersect",
       {Kind::Rename, 2, 2, "list_intersect", "ARRAY_INTERSECT(array1, array2)"}},
      {"array_sort", {Kind::Rename, 1, 3, "list_sort", "ARRAY_SORT(array)"}},
      {"cardinality", {Kind::Rename, 1, 1, "len", "CARDINALITY(array)"}},
      {"explode", {Kind::Rename, 1, 1, "unnest", "EXPLODE(array)"}},
      {"array_distinct",
       {Kind::Template, 1, 1, "__cleanroom_amc_array_distinct($1)", "ARRAY_DISTINCT(array)"}},
      {"array_remove",
       {Kind::Template, 2, 2, "__cleanroom_amc_array_remove($1, $2)",
        "ARRAY_REMOVE(array, element)"}},
      {"array_complement",
       {Kind::Template, 2, 2, "__cleanroom_amc_array_complement($1, $2)",
        "ARRAY_COMPLEMENT(array1, array2)"}},
      {"array_union",
       {Kind::Template, 2, 2, "__cleanroom_amc_array_union($1, $2)",
        "ARRAY_UNION(array1, array2)"}},
      // Aggregates
      {"collect", {Kind::Aggregate, 1, 1, "list", "COLLECT([DISTINCT] value)"}},
      {"percentile",
       {Kind::Aggregate, 2, 2, "quantile_cont", "PERCENTILE(value, fraction between 0 and 1)"}},
      {"approx_percentile",
       {Kind::Aggregate, 2, 2, "approx_quantile",
        "APPROX_PERCENTILE(value, fraction between 0 and 1)"}},
      // Not here
      {"extend_time_window",
       {Kind::Refuse, 0, -1,
        "reads a table: write it in FROM, as TABLE(EXTEND_TIME_WINDOW('table', 'P30D', 'P0D'))",
        ""}},
      {"random",
       {Kind::Refuse, 0, -1,
        "is not supported: cleanroom runs only functions whose answer is determined by their "
        "arguments",
        ""}},
      {"uuid",
       {Kind::Refuse, 0, -1,
        "is not supported: cleanroom runs only functions whose answer is determined by their "
        "arguments",
        ""}},
      {"custom_parameter",
       {Kind::Refuse, 0, -1, "has no value here: parameters are bound when a workflow runs", ""}},
      {"built_in_parameter",
       {Kind::Refuse, 0, -1, "has no value here: parameters are bound when a workflow runs", ""}},
  };
  return r;
}

std::string arguments_text(const Rule& r) {
  auto n = [](int k) { return std::to_string(k) + (k == 1 ? " argument" : " arguments"); };
  if (r.max_args == 0) return "no arguments";
  if (r.max_args < 0) return "at least " + n(r.min_args);
  if (r.min_args == r.max_args) return n(r.min_args);
  return std::to_string(r.min_args) + " to " + n(r.max_args);
}

// No DISTINCT, FILTER or ORDER BY inside the call.
bool plain_call(const json& node) {
  const json& orders = member(member(node, "order_bys"), "orders");
  return member(node, "distinct") != true && member(node, "filter").is_null() &&
         (!orders.is_array() || orders.empty());
}

bool unqualified(const json& node) {
  return (str(node, "schema").empty()) && str(node, "catalog").empty();
}

// The names of every WITH query of the statement, at any depth, in lower case.
void with_names(const json& node, std::set<std::string>& out) {
  if (node.is_array()) {
    for (const auto& v : node) with_names(v, out);
    return;
  }
  if (!node.is_object()) return;
  for (const auto& entry : member(member(node, "cte_map"), "map"))
    if (member(entry, "key").is_string()) out.insert(lower(entry["key"].get<std::string>()));
  for (const auto& [key, value] : node.items()) with_names(value, out);
}

class Translator {
 public:
  Translator(const SqlText& sql, std::vector<WindowExtension>& extensions)
      : sql_(sql), extensions_(extensions) {}

  Status translate(json& statement) {
    with_names(statement, with_names_);
    return visit(statement);
  }

 private:
  // Bottom-up: arguments first, so that every handler sees DuckDB expressions.
  Status visit(json& node) {
    if (node.is_array()) {
      for (auto& v : node) CR_TRY(visit(v));
      return {};
    }
    if (!node.is_object()) return {};
    if (node_type(node) == "TABLE_FUNCTION" && extends_window(member(node, "function")))
      return read_extended(node);
    std::string_view cls = node_class(node);
    if (cls == "CONSTANT") return {};
    for (auto& [key, value] : node.items()) CR_TRY(visit(value));
    if (cls == "FUNCTION" || cls == "WINDOW") return call(node);
    if (cls == "CAST") return special_moment(node);
    return {};
  }

  static bool extends_window(const json& f) {
    return node_class(f) == "FUNCTION" && unqualified(f) &&
           same_name(str(f, "function_name"), "extend_time_window");
  }

  Status call(json& node) {
    if (!unqualified(node)) return {};  // main.f(...) is not AMC's: the walker decides
    std::string name = lower(str(node, "function_name"));
    auto it = rules().find(name);
    if (it == rules().end()) return {};
    const Rule& rule = it->second;
    Call c{sql_, node, {}, upper(name)};
    if (rule.kind == Kind::Refuse) return sql_.error(node, c.name + " " + std::string(rule.target));
    if (rule.kind != Kind::Aggregate) {
      if (node_class(node) == "WINDOW")
        return sql_.error(node, c.name + " is not an aggregate: it cannot take OVER (...)");
      if (!plain_call(node))
        return sql_.error(node, c.name +
                                    " is not an aggregate: DISTINCT, FILTER and ORDER BY do not "
                                    "apply to it");
    }
    const json& children = member(node, "children");
    if (children.is_array()) c.args.assign(children.begin(), children.end());
    int n = static_cast<int>(c.args.size());
    if (n < rule.min_args || (rule.max_args >= 0 && n > rule.max_args))
      return sql_.error(node,
                        c.name + " takes " + arguments_text(rule) + ": " + std::string(rule.usage));
    json out;
    switch (rule.kind) {
      case Kind::Rename:
      case Kind::Aggregate:
        node["function_name"] = std::string(rule.target);
        node["schema"] = "";
        node["catalog"] = "";
        return {};
      case Kind::Template: {
        CR_ASSIGN(out, instantiate(std::string(rule.target), c.args));
        break;
      }
      case Kind::Custom: {
        CR_ASSIGN(out, rule.handler(c));
        break;
      }
      case Kind::Refuse:
        break;
    }
    replace(node, std::move(out));
    return {};
  }

  // CAST('today' AS DATE) and CAST('now' AS TIMESTAMP), AMC's way to ask for the current date and
  // time (in UTC), which DuckDB does not read from text.
  Status special_moment(json& node) {
    const std::string* text = text_of(member(node, "child"));
    const json& type = member(node, "cast_type");
    if (!text || !member(type, "type_info").is_null()) return {};
    std::string word = lower(*text);
    std::string_view to = str(type, "id");
    if (word != "today" && word != "now") return {};
    const char* replacement = nullptr;
    if (to == "DATE") replacement = "CAST(timezone('UTC', now()) AS DATE)";
    if (to == "TIMESTAMP")
      replacement = word == "now" ? "timezone('UTC', now())"
                                  : "CAST(CAST(timezone('UTC', now()) AS DATE) AS TIMESTAMP)";
    if (!replacement) return {};
    CR_ASSIGN(json out, instantiate(replacement, {}));
    replace(node, std::move(out));
    return {};
  }

  // FROM TABLE(EXTEND_TIME_WINDOW('table', 'P30D', 'P0D')) [AS alias]: the table, read as a
  // plain table under the same alias; the widening of its time window goes to the engine.
  Status read_extended(json& ref) {
    static constexpr const char* kUsage =
        ": TABLE(EXTEND_TIME_WINDOW('table', 'P30D', 'P0D')), the table's name and how far to "
        "widen its time window before its start and after its end, each in single quotes";
    const json& f = member(ref, "function");
    const json& args = member(f, "children");
    if (!args.is_array() || args.size() != 3)
      return sql_.error(f, std::string("EXTEND_TIME_WINDOW takes 3 arguments") + kUsage);
    if (!plain_call(f))
      return sql_.error(f, "EXTEND_TIME_WINDOW takes no DISTINCT, FILTER or ORDER BY");
    const std::string* table = text_of(args[0]);
    if (!table || table->empty())
      return sql_.error(
          args[0], std::string("EXTEND_TIME_WINDOW takes the table's name as a string") + kUsage);
    if (is_reserved_name(*table))
      return sql_.error(args[0],
                        "names starting with " + std::string(kReservedPrefix) + " are reserved");
    // DuckDB would read the WITH query of that name, whose rows have no time window to widen.
    if (with_names_.count(lower(*table)))
      return sql_.error(args[0],
                        "EXTEND_TIME_WINDOW widens the time window of a table, not of a WITH "
                        "query: name the table it reads");
    std::string durations[2];
    for (int i = 0; i < 2; ++i) {
      const std::string* text = text_of(args[i + 1]);
      if (!text || !iso_duration(*text))
        return sql_.error(args[i + 1],
                          std::string("EXTEND_TIME_WINDOW's ") + (i == 0 ? "second" : "third") +
                              " argument (how far to widen the time window " +
                              (i == 0 ? "before its start" : "after its end") +
                              ") is not an ISO-8601 duration in single quotes, such as 'P30D', "
                              "'P2W', 'PT12H' or 'P0D'");
      durations[i] = upper(*text);
    }
    std::string_view ordinality = str(ref, "with_ordinality");
    if (!ordinality.empty() && ordinality != "WITHOUT_ORDINALITY")
      return sql_.error(ref, "EXTEND_TIME_WINDOW reads a table: WITH ORDINALITY does not apply");
    WindowExtension e{*table, durations[0], durations[1]};
    bool known = std::any_of(extensions_.begin(), extensions_.end(), [&](const auto& x) {
      return same_name(x.table, e.table) && x.before == e.before && x.after == e.after;
    });
    if (!known) extensions_.push_back(std::move(e));
    const json& columns = member(ref, "column_name_alias");
    ref = json{{"type", "BASE_TABLE"},
               {"alias", member(ref, "alias")},
               {"sample", member(ref, "sample")},
               {"query_location", member(ref, "query_location")},
               {"schema_name", ""},
               {"table_name", *table},
               {"column_name_alias", columns.is_array() ? columns : json::array()},
               {"catalog_name", ""},
               {"at_clause", nullptr}};
    return {};
  }

  const SqlText& sql_;
  std::vector<WindowExtension>& extensions_;
  std::set<std::string> with_names_;
};

}  // namespace

Status translate_amc_dialect(const SqlText& sql, json& statement,
                             std::vector<WindowExtension>& extensions) {
  Translator t(sql, extensions);
  return t.translate(statement);
}

const std::vector<std::string>& amc_dialect_macros() {
  // Lambdas live only here, in cleanroom's own SQL: the walker refuses them in queries.
  static const std::vector<std::string> macros = {
      // First occurrences, in order (DuckDB's list_distinct neither keeps the order nor NULL).
      "CREATE MACRO __cleanroom_amc_array_distinct(amc_list) AS list_filter(amc_list, "
      "lambda amc_item, amc_index: list_position(amc_list, amc_item) IS NOT DISTINCT FROM "
      "amc_index)",
      "CREATE MACRO __cleanroom_amc_array_remove(amc_list, amc_value) AS CASE WHEN amc_value IS "
      "NULL THEN NULL ELSE list_filter(amc_list, lambda amc_item: amc_item IS DISTINCT FROM "
      "amc_value) END",
      "CREATE MACRO __cleanroom_amc_array_complement(amc_list, amc_other) AS "
      "list_filter(amc_list, lambda amc_item: list_position(amc_other, amc_item) IS NULL)",
      "CREATE MACRO __cleanroom_amc_array_union(amc_list, amc_other) AS "
      "__cleanroom_amc_array_distinct(list_concat(amc_list, amc_other))",
      // Keys before the first key-value delimiter of each pair, values after it (NULL without).
      "CREATE MACRO __cleanroom_amc_str_to_map(amc_text, amc_pairs, amc_kv) AS "
      "map_from_entries(list_transform(string_split(amc_text, amc_pairs), lambda amc_pair: "
      "struct_pack(k := CASE WHEN strpos(amc_pair, amc_kv) = 0 THEN amc_pair "
      "ELSE left(amc_pair, strpos(amc_pair, amc_kv) - 1) END, "
      "v := CASE WHEN strpos(amc_pair, amc_kv) = 0 THEN NULL "
      "ELSE substring(amc_pair, strpos(amc_pair, amc_kv) + length(amc_kv)) END)))",
  };
  return macros;
}

}  // namespace cleanroom::policy
