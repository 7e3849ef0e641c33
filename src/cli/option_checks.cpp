#include "cli/option_checks.h"

#include <cstdlib>
#include <utility>

#include "api/served_hosts.h"
#include "common/logging.h"
#include "core/time_window.h"
#include "data/identity.h"
#include "data/sources.h"

namespace cleanroom::cli {
namespace {

// A validator from a check that returns what is wrong with a value, "" when nothing is.
CLI::Validator validator(std::string description,
                         std::function<std::string(const std::string&)> check) {
  return CLI::Validator([check = std::move(check)](std::string& value) { return check(value); },
                        std::move(description));
}

std::string problem(const Status& s) { return s.ok() ? "" : s.error().message; }

}  // namespace

Result<HostPort> parse_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Error::validation("must be HOST:PORT, not '" + text + "'");
  const std::string port = text.substr(colon + 1);
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(port) > 65535)
    return Error::validation("the port must be a number from 0 to 65535, not '" + port + "'");
  return HostPort{text.substr(0, colon), std::stoi(port)};
}

Result<TableName> parse_table_name(const std::string& text) {
  auto dot = text.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == text.size())
    return Error::validation("must be DATABASE.TABLE, not '" + text + "'");
  return TableName{text.substr(0, dot), text.substr(dot + 1)};
}

CLI::Validator host_port() {
  return validator("HOST:PORT",
                   [](const std::string& v) { return problem(status_of(parse_host_port(v))); });
}

CLI::Validator table_name() {
  return validator("DATABASE.TABLE",
                   [](const std::string& v) { return problem(status_of(parse_table_name(v))); });
}

CLI::Validator positive_number() {
  return validator("POSITIVE", [](const std::string& v) -> std::string {
    char* end = nullptr;
    double n = std::strtod(v.c_str(), &end);
    if (v.empty() || *end != '\0' || !(n > 0)) return "must be above 0, not '" + v + "'";
    return "";
  });
}

CLI::Validator whole_number() {
  return validator("", [](const std::string& v) -> std::string {
    if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) return "";
    return "must be a whole number of 0 or more, not '" + v + "'";
  });
}

CLI::Validator file_format() {
  return validator("csv|parquet|jsonl", [](const std::string& v) -> std::string {
    if (data::file_format_from_name(v)) return "";
    return "must be csv, parquet or jsonl, not '" + v + "'";
  });
}

CLI::Validator country() {
  return validator("COUNTRY", [](const std::string& v) {
    return problem(status_of(data::identity_country(v)));
  });
}

CLI::Validator utc_time() {
  return validator("yyyy-MM-ddTHH:mm:ssZ", [](const std::string& v) -> std::string {
    if (core::parse_civil_time(v)) return "";
    return "must be yyyy-MM-ddTHH:mm:ssZ (UTC), not '" + v + "'";
  });
}

CLI::Validator public_host() {
  return validator("HOST",
                   [](const std::string& v) { return problem(api::ServedHosts::check_name(v)); });
}

CLI::Validator log_format() {
  return validator("text|json", [](const std::string& v) -> std::string {
    if (logging::log_format_named(v)) return "";
    return "must be text or json, not '" + v + "'";
  });
}

}  // namespace cleanroom::cli
