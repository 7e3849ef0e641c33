#include "data/sources.h"

#include <fstream>
#include <map>
#include <regex>

namespace cleanroom::data {
namespace {
using engine::sql_identifier;
using engine::sql_literal;

// Comma-separated with double quotes, stated rather than sniffed: on a file with a ragged row
// DuckDB's sniffer may otherwise settle on one column per line, or skip rows as a preamble.
constexpr const char* kCsvDialect =
    "header = true, skip = 0, delim = ',', quote = '\"', escape = '\"'";

std::string struct_literal(const std::vector<std::string>& names,
                           const std::vector<std::string>& types) {
  std::string out = "{";
  for (size_t i = 0; i < names.size(); i++)
    out += (i ? ", " : "") + sql_literal(names[i]) + ": " + sql_literal(types[i]);
  return out + "}";
}

// A declared type: checked for shape before it goes into SQL text, then resolved by the engine
// to its canonical name (INT -> INTEGER).
Result<std::string> canonical_type(engine::Connection& con, const ColumnSpec& c) {
  static const std::regex shape(
      R"([A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*(\(\s*\d+\s*(,\s*\d+\s*)?\))?)");
  if (!std::regex_match(c.type, shape))
    return Error::validation("column " + c.name + ": '" + c.type + "' is not a type", "columns");
  auto r = con.query("SELECT typeof(NULL::" + c.type + ")");
  if (!r.ok())
    return Error::validation("column " + c.name + ": '" + c.type + "' is not a type", "columns");
  CR_ASSIGN(auto rows, r->rows());
  return std::get<std::string>(rows.at(0).at(0));
}

struct Described {
  std::vector<std::string> names, types;
};

Result<Described> names_and_types(engine::Connection& con, const std::string& select) {
  CR_ASSIGN(auto columns, engine::describe(con, select));
  Described d;
  for (auto& [name, type] : columns) {
    d.names.push_back(std::move(name));
    d.types.push_back(std::move(type));
  }
  return d;
}

// The file's columns must be exactly the declared ones (in any order).
Status check_same_columns(const std::vector<std::string>& in_file,
                          const std::vector<ColumnSpec>& declared) {
  std::set<std::string> file(in_file.begin(), in_file.end());
  std::set<std::string> decl;
  for (const auto& c : declared) decl.insert(c.name);
  for (const auto& n : decl)
    if (!file.count(n))
      return Error::validation("column " + n + " is declared but not in the file", "columns");
  for (const auto& n : in_file)
    if (!decl.count(n))
      return Error::validation("the file has column " + n + ", which is not declared", "columns");
  return {};
}

Status check_declared(const std::vector<ColumnSpec>& declared) {
  std::set<std::string> seen;
  for (const auto& c : declared) {
    if (c.name.empty()) return Error::validation("a declared column has no name", "columns");
    if (!seen.insert(c.name).second)
      return Error::validation("column " + c.name + " is declared twice", "columns");
  }
  return {};
}

Result<SourcePlan> plan_csv(engine::Connection& con, const std::string& path,
                            const std::vector<ColumnSpec>& declared,
                            const std::set<std::string>& text_columns,
                            const std::map<std::string, std::string>& types) {
  CR_ASSIGN(auto header, read_csv_header(path));
  SourcePlan p;
  p.names = header;
  std::vector<std::string> all_text(header.size(), "VARCHAR");
  std::string strict = "read_csv(" + sql_literal(path) + ", " + kCsvDialect +
                       ", auto_detect = false, strict_mode = true, columns = ";
  if (!declared.empty()) {
    CR_TRY(check_same_columns(header, declared));
    std::vector<std::string> col_types;
    for (const auto& n : header)
      col_types.push_back(text_columns.count(n) ? "VARCHAR" : types.at(n));
    p.from = strict + struct_literal(header, col_types) + ")";
  } else {
    std::vector<std::string> text_names, text_types;
    for (const auto& n : header)
      if (text_columns.count(n)) text_names.push_back(n), text_types.push_back("VARCHAR");
    p.from = "read_csv(" + sql_literal(path) + ", " + kCsvDialect +
             (text_names.empty() ? "" : ", types = " + struct_literal(text_names, text_types)) +
             ")";
    auto sniffed = names_and_types(con, "SELECT * FROM " + p.from);
    if (!sniffed.ok() || sniffed->names != header) {
      // The sniffer gave up (a ragged row in its sample, say): a strict read of every column
      // as text names the first line that does not fit, or shows there is none.
      std::string text_read = strict + struct_literal(header, all_text) + ")";
      CR_TRY(con.run("SELECT count(*) FROM " + text_read));
      p.from = text_read;
    }
  }
  for (const auto& n : header) p.expressions.push_back(sql_identifier(n));
  return p;
}

Result<SourcePlan> plan_json_lines(const std::string& path, const std::vector<ColumnSpec>& declared,
                                   const std::set<std::string>& text_columns,
                                   const std::map<std::string, std::string>& types) {
  SourcePlan p;
  std::string reader = "read_json(" + sql_literal(path) + ", format = 'newline_delimited'";
  if (declared.empty()) {
    p.from = reader + ")";
    return p;  // names come from describing the reader
  }
  std::vector<std::string> names, col_types;
  for (const auto& c : declared) {
    names.push_back(c.name);
    col_types.push_back(text_columns.count(c.name) ? "VARCHAR" : types.at(c.name));
    p.names.push_back(c.name);
    p.expressions.push_back(sql_identifier(c.name));
  }
  p.from = reader + ", columns = " + struct_literal(names, col_types) + ")";
  return p;
}

Result<SourcePlan> plan_parquet(engine::Connection& con, const std::string& path,
                                const std::vector<ColumnSpec>& declared,
                                const std::map<std::string, std::string>& types) {
  SourcePlan p;
  p.from = "read_parquet(" + sql_literal(path) + ", file_row_number = true)";
  CR_ASSIGN(auto in_file,
            names_and_types(con, "SELECT * EXCLUDE (file_row_number) FROM " + p.from));
  if (declared.empty()) return p;
  CR_TRY(check_same_columns(in_file.names, declared));
  for (const auto& c : declared) {
    // Parquet carries its own types; a value that does not convert stops the copy at its row.
    std::string col = sql_identifier(c.name), type = types.at(c.name);
    std::string why = sql_literal("column " + c.name + " does not fit " + type);
    p.names.push_back(c.name);
    p.expressions.push_back("CASE WHEN " + col + " IS NOT NULL AND TRY_CAST(" + col + " AS " +
                            type +
                            ") IS NULL THEN error('row ' || (file_row_number + 1) || ': ' || " +
                            why + ") ELSE TRY_CAST(" + col + " AS " + type + ") END");
  }
  return p;
}

}  // namespace

std::optional<FileFormat> file_format_from_name(std::string_view name) {
  if (name == "csv") return FileFormat::Csv;
  if (name == "parquet") return FileFormat::Parquet;
  if (name == "jsonl") return FileFormat::JsonLines;
  return std::nullopt;
}

std::string file_format_name(FileFormat format) {
  switch (format) {
    case FileFormat::Csv:
      return "csv";
    case FileFormat::Parquet:
      return "parquet";
    case FileFormat::JsonLines:
      return "jsonl";
  }
  return "";
}

Result<SourcePlan> plan_source(engine::Connection& con, const std::string& path, FileFormat format,
                               const std::vector<ColumnSpec>& declared,
                               const std::set<std::string>& text_columns) {
  CR_TRY(check_declared(declared));
  std::map<std::string, std::string> types;
  for (const auto& c : declared) {
    CR_ASSIGN(types[c.name], canonical_type(con, c));
  }
  Result<SourcePlan> plan = Error::internal("unknown format");
  switch (format) {
    case FileFormat::Csv:
      plan = plan_csv(con, path, declared, text_columns, types);
      break;
    case FileFormat::JsonLines:
      plan = plan_json_lines(path, declared, text_columns, types);
      break;
    case FileFormat::Parquet:
      plan = plan_parquet(con, path, declared, types);
      break;
  }
  if (!plan.ok()) return data_error(plan.error());
  if (plan->names.empty()) {  // inferred JSON lines or Parquet: the reader's own columns
    CR_ASSIGN(auto d, names_and_types(con, "SELECT * FROM " + plan->from));
    for (const auto& n : d.names) {
      if (n == "file_row_number") continue;
      plan->names.push_back(n);
      plan->expressions.push_back(sql_identifier(n));
    }
  }
  std::set<std::string> names(plan->names.begin(), plan->names.end());
  for (const auto& t : text_columns)
    if (!names.count(t))
      return Error::validation("identity column " + t + " is not a column of the file", "pii");
  for (size_t i = 0; i < plan->names.size(); i++)
    if (text_columns.count(plan->names[i]))
      plan->expressions[i] = "CAST(" + plan->expressions[i] + " AS VARCHAR)";
  return plan;
}

Error data_error(const Error& e) {
  if (e.kind != ErrorKind::Validation) return e;
  const std::string& m = e.message;
  std::smatch match;
  if (std::regex_search(m, match, std::regex(R"(CSV Error on Line: (\d+))"))) {
    // The reason is the line after "Original Line: ...", which itself is never repeated.
    std::string reason;
    auto original = m.find("Original Line:");
    if (original != std::string::npos) {
      auto start = m.find('\n', original);
      if (start != std::string::npos)
        reason = m.substr(start + 1, m.find('\n', start + 1) - start - 1);
    }
    return Error::validation("line " + match[1].str() + ": " + reason);
  }
  if (std::regex_search(m, match, std::regex(R"(in line (\d+): ([^\n]*))")))
    return Error::validation("line " + match[1].str() + ": " + match[2].str());
  // Otherwise the first line, without DuckDB's "Xxx Error: " prefix.
  std::string first = m.substr(0, m.find('\n'));
  if (std::regex_search(first, match, std::regex(R"(^[A-Za-z ]+ Error: )"))) first = match.suffix();
  return Error::validation(first);
}

Result<std::vector<std::string>> read_csv_header(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::validation("cannot read " + path);
  std::vector<std::string> names;
  std::string field;
  bool quoted = false, any = false;
  constexpr size_t kMaxHeader = 1 << 20;
  size_t read = 0;
  char c;
  while (in.get(c)) {
    if (++read > kMaxHeader) return Error::validation("the CSV header line is longer than 1 MiB");
    any = true;
    if (quoted) {
      if (c != '"')
        field += c;
      else if (in.peek() == '"')
        field += static_cast<char>(in.get());
      else
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      names.push_back(field);
      field.clear();
    } else if (c == '\n') {
      break;
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!any) return Error::validation("the file is empty; a CSV upload starts with a header line");
  names.push_back(field);
  if (names[0].rfind("\xEF\xBB\xBF", 0) == 0) names[0].erase(0, 3);  // a UTF-8 byte order mark
  std::set<std::string> seen;
  for (const auto& n : names) {
    if (n.empty()) return Error::validation("the CSV header has an empty column name");
    if (!seen.insert(n).second)
      return Error::validation("the CSV header names column " + n + " twice");
  }
  return names;
}

}  // namespace cleanroom::data
