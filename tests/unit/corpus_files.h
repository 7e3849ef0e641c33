#pragma once
// Tests as data (STYLE.md): the cases of a corpus folder, one file each, named by their stem.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

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
