#pragma once
// The SQL behind data/generator.h, shared by its files: the draws (DuckDB macros, in
// generator_draws.cpp) and the tables (generator_tables.cpp). Both refer to the world's values
// as {name}, filled in by generator.cpp before they run.
#include <map>
#include <string>
#include <vector>

namespace cleanroom::data::generator_sql {

// The macros every table is computed from: "name(args) AS expression", with {name} values.
const std::vector<const char*>& draws();

// A step of the generation, in order: a file (database.table) written from `select`, a temporary
// table that later steps read (`temp_table`), or a file that holds the same rows as an earlier
// one (`same_rows_as`, a table name).
struct Step {
  const char* database = "";
  const char* table = "";
  std::map<std::string, std::string> pii;  // identity column -> identity type to hash on upload
  std::string select;
  bool temp_table = false;
  const char* same_rows_as = "";
  // Platform event tables declare their column types on upload (DuckDB's sniffer would read
  // campaign_id_string as a number and sales as DOUBLE); the identities and the CRM are read as
  // they come, like any file a user uploads.
  bool declare_types = false;
};
const std::vector<Step>& steps();

}  // namespace cleanroom::data::generator_sql
