#include "policy/sql_functions.h"

#include <string>
#include <unordered_map>

namespace cleanroom::policy {
namespace {

using Map = std::unordered_map<std::string_view, FunctionInfo>;

void add(Map& m, std::initializer_list<std::string_view> names, FunctionInfo info) {
  for (auto n : names) m.emplace(n, info);
}

// Functions that only compute from their arguments: no files, settings, environment,
// sequences, randomness or errors with caller-chosen text.
Map build() {
  Map m;
  const FunctionInfo scalar{};
  FunctionInfo arithmetic;
  arithmetic.arithmetic = true;
  FunctionInfo like;
  like.like = true;
  add(m, {"+", "-", "*", "/", "//", "%"}, arithmetic);
  add(m, {"~~", "!~~", "~~*", "!~~*"}, like);
  add(m,
      {// operators
       "**", "^", "&", "|", "<<", ">>", "~", "xor", "||", "~~~", "^@", "like_escape",
       "not_like_escape", "ilike_escape", "not_ilike_escape",
       // text
       "concat", "concat_ws", "lower", "upper", "lcase", "ucase", "length", "len", "strlen",
       "char_length", "character_length", "substring", "substr", "left", "right", "trim", "ltrim",
       "rtrim", "lpad", "rpad", "replace", "reverse", "repeat", "split_part", "string_split",
       "ascii", "chr", "md5", "sha256", "hash", "format", "printf", "translate", "strip_accents",
       "contains", "starts_with", "ends_with", "prefix", "suffix", "strpos", "instr", "position",
       "regexp_full_match", "regexp_matches", "regexp_extract", "regexp_replace", "levenshtein",
       "damerau_levenshtein", "hamming", "jaccard", "jaro_similarity", "jaro_winkler_similarity",
       // numbers
       "abs", "ceil", "ceiling", "floor", "round", "trunc", "sqrt", "cbrt", "ln", "log", "log10",
       "log2", "exp", "pow", "power", "sign", "pi", "greatest", "least", "nullif", "ifnull",
       "isnan", "isfinite",
       // dates and times
       "date_part", "datepart", "date_trunc", "datetrunc", "date_diff", "datediff", "date_sub",
       "datesub", "date_add", "year", "month", "day", "hour", "minute", "second", "week",
       "weekofyear", "dayofweek", "dayofyear", "dayofmonth", "quarter", "isodow", "isoyear",
       "yearweek", "epoch", "epoch_ms", "strftime", "strptime", "try_strptime", "to_timestamp",
       "make_date", "make_time", "make_timestamp", "now", "today", "current_date",
       "current_timestamp", "current_time", "localtime", "localtimestamp", "get_current_timestamp",
       "get_current_time", "to_years", "to_months", "to_weeks", "to_days", "to_hours", "to_minutes",
       "to_seconds", "to_milliseconds", "to_microseconds", "last_day", "monthname", "dayname",
       "timezone", "age", "time_bucket",
       // values built by the parser for [..] and {..}
       "list_value", "struct_pack",
       // what AMC's functions become (amc_dialect.h): lists, binary, hashes, JSON
       "list_concat", "list_contains", "list_intersect", "list_sort", "array_to_string", "flatten",
       "string_split_regex", "sha1", "hex", "unhex", "to_base64", "from_base64", "encode", "decode",
       "json_extract", "to_json",
       // AMC's EXPLODE: one row per element of a list in the select list; the rows keep the
       // lineage of the list they come from
       "unnest",
       // the AMC dialect's macros (amc_dialect_macros), for what needs a lambda in DuckDB
       "__cleanroom_amc_array_distinct", "__cleanroom_amc_array_remove",
       "__cleanroom_amc_array_complement", "__cleanroom_amc_array_union",
       "__cleanroom_amc_str_to_map"},
      scalar);

  FunctionInfo aggregate;
  aggregate.kind = FunctionKind::Aggregate;
  add(m,
      {"sum", "avg", "mean", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp",
       "var_pop", "corr", "covar_pop", "covar_samp", "product", "bool_and", "bool_or", "entropy",
       "kurtosis", "skewness"},
      aggregate);
  FunctionInfo counting = aggregate;
  counting.counts = true;
  add(m, {"count", "count_star", "approx_count_distinct"}, counting);
  // Order statistics answer with one input or a blend of two neighbours: AMC's PERCENTILE and
  // APPROX_PERCENTILE become quantile_cont and approx_quantile.
  FunctionInfo picking = aggregate;
  picking.picks_value = true;
  add(m,
      {"min", "max", "median", "quantile", "quantile_cont", "quantile_disc", "approx_quantile",
       "mode", "first", "last", "any_value", "arbitrary", "arg_min", "arg_max", "argmin", "argmax",
       "min_by", "max_by"},
      picking);
  FunctionInfo listing = aggregate;  // AMC's COLLECT becomes list
  listing.builds_list = true;
  add(m, {"list", "array_agg", "string_agg", "group_concat", "listagg", "histogram"}, listing);

  FunctionInfo window;
  window.kind = FunctionKind::Window;
  add(m,
      {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
       "first_value", "last_value", "nth_value"},
      window);
  return m;
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  // The engine's own functions (cleanroom_sha256, cleanroom_dp_noise, cleanroom_dp_random_key)
  // are never the analyst's, whatever the list above says: the noise of differential privacy
  // would be the analyst's to draw again.
  if (name.rfind("cleanroom_", 0) == 0) return nullptr;
  static const Map functions = build();
  auto it = functions.find(name);
  return it == functions.end() ? nullptr : &it->second;
}

bool is_sql_value_function(std::string_view n) {
  return n == "current_date" || n == "current_timestamp" || n == "current_time" ||
         n == "localtime" || n == "localtimestamp";
}

}  // namespace cleanroom::policy
