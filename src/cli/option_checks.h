#pragma once
// Checks of option values that CLI11 runs while it parses: a malformed option stops the command
// before it does anything, with the option and the reason on stderr and exit status 2 (main.cpp).
// What only the data dir can answer (an unknown account, a name already taken) is the core's to
// refuse, like any other refusal of the command.
#include <CLI/CLI.hpp>
#include <string>

#include "common/error.h"

namespace cleanroom::cli {

struct HostPort {
  std::string host;
  int port = 0;  // 0: the system picks a free port
};

// HOST:PORT (127.0.0.1:8080, [::1]:0): a host, then after the last colon a port from 0 to 65535
// in decimal digits.
Result<HostPort> parse_host_port(const std::string& text);

struct TableName {
  std::string database;
  std::string table;
};

// DATABASE.TABLE, split at the first dot; neither part empty.
Result<TableName> parse_table_name(const std::string& text);

CLI::Validator host_port();        // parse_host_port
CLI::Validator table_name();       // parse_table_name
CLI::Validator positive_number();  // a number above zero
CLI::Validator whole_number();     // digits only: CLI11 would wrap -1 into an unsigned option
CLI::Validator file_format();      // a name data::file_format_from_name knows
CLI::Validator country();          // a country data::identity_country knows
CLI::Validator utc_time();         // yyyy-MM-ddTHH:mm:ssZ, as core::parse_civil_time reads it
CLI::Validator public_host();      // a name api::ServedHosts::check_name accepts
CLI::Validator log_format();       // text or json (logging::log_format_named)

}  // namespace cleanroom::cli
