#pragma once
// Tests as data (STYLE.md): the cases of a corpus folder, one file each, named by their stem.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "engine/query_result.h"

namespace cleanroom::testing {

// The stems of the files in `dir` (under the source tree) ending in `extension`, sorted.
inline std::vector<std::string> corpus_cases(const std::string& dir, const std::string& extension) {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(CLEANROOM_SOURCE_DIR) / dir))
    if (e.path().extension() == extension) out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

// A row as the corpora's `-- expect-kept:` lines write it: cells joined by ',', NULL, true/false.
inline std::string row_text(const std::vector<engine::Value>& row) {
  std::string line;
  for (const auto& v : row) {
    std::string cell = "NULL";
    if (const auto* t = std::get_if<std::string>(&v)) cell = *t;
    if (const auto* b = std::get_if<bool>(&v)) cell = *b ? "true" : "false";
    if (const auto* i = std::get_if<int64_t>(&v)) cell = std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) {
      std::ostringstream out;
      out << *d;
      cell = out.str();
    }
    line += (line.empty() ? "" : ",") + cell;
  }
  return line;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A case file: each leading `-- key: value` line handed to `header(key, value)` in order; the
// lines after them are the SQL, returned.
template <typename Header>
std::string read_case(const std::filesystem::path& p, Header header) {
  std::istringstream in(read_file(p));
  static const std::regex pattern(R"(^--\s*([a-z-]+):\s?(.*)$)");
  std::string line, sql;
  bool in_header = true;
  while (std::getline(in, line)) {
    std::smatch m;
    if (in_header && std::regex_match(line, m, pattern)) {
      header(m[1].str(), m[2].str());
      continue;
    }
    in_header = false;
    sql += line + "\n";
  }
  return sql;
}

}  // namespace cleanroom::testing
