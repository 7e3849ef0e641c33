#include "catalog/postgres_sql.h"

#include <algorithm>

namespace cleanroom::catalog {

std::string postgres_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int largest = 0;
  size_t i = 0;
  auto copy_until = [&](size_t end) {
    end = std::min(end, sql.size());
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '\'' || c == '"') {  // a literal or quoted identifier; a doubled quote stays inside
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      copy_until(j + 1);
    } else if (c == '-' && next == '-') {
      size_t eol = sql.find('\n', i);
      copy_until(eol == std::string_view::npos ? sql.size() : eol + 1);
    } else if (c == '/' && next == '*') {
      size_t close = sql.find("*/", i + 2);
      copy_until(close == std::string_view::npos ? sql.size() : close + 2);
    } else if (c == '?') {
      size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
      if (j == i + 1) n = largest + 1;
      largest = std::max(largest, n);
      out += '$';
      out += std::to_string(n);
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace cleanroom::catalog
