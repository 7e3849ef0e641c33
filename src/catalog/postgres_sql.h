#pragma once
// The one rewrite every statement gets on its way to PostgreSQL: the repositories write SQLite's
// parameters (?1, ?2, or ? in order), PostgreSQL reads $1, $2.
#include <string>
#include <string_view>

namespace cleanroom::catalog {

// ?NNN becomes $NNN and a bare ? the number after the largest used so far (SQLite's rule);
// string literals, quoted identifiers and comments are left as they are.
std::string postgres_placeholders(std::string_view sql);

}  // namespace cleanroom::catalog
