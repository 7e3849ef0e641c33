#include "api/served_hosts.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace cleanroom::api {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "[::1]" for "::1"; names and IPv4 addresses as they are.
std::string host_form(const std::string& name) {
  if (name.find(':') != std::string::npos && name.front() != '[') return "[" + name + "]";
  return name;
}

// The host of "host", "host:port", "[v6]" or "[v6]:port"; "" when malformed.
std::string host_of(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return "";
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return "";
    if (!rest.empty() && !std::all_of(rest.begin() + 1, rest.end(), ::isdigit)) return "";
    return lower(authority.substr(0, close + 1));
  }
  auto colon = authority.find(':');
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), ::isdigit)) return "";
    authority = authority.substr(0, colon);
  }
  return lower(authority);
}

}  // namespace

ServedHosts::ServedHosts(const std::vector<std::string>& public_hosts,
                         const std::string& listen_host)
    : names_{"localhost", "127.0.0.1", "[::1]"} {
  auto add = [&](const std::string& name) {
    std::string n = lower(host_form(name));
    if (!n.empty() && std::find(names_.begin(), names_.end(), n) == names_.end())
      names_.push_back(n);
  };
  for (const auto& h : public_hosts) add(h);
  if (listen_host != "0.0.0.0" && listen_host != "::" && listen_host != "[::]") add(listen_host);
}

bool ServedHosts::serves(std::string_view authority) const {
  std::string host = host_of(authority);
  return !host.empty() && std::find(names_.begin(), names_.end(), host) != names_.end();
}

Status ServedHosts::check_name(const std::string& name) {
  static const std::regex dns(
      R"(^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$)");
  static const std::regex ipv6(R"(^\[?[0-9A-Fa-f:.]+\]?$)");
  if (name.size() <= 253 && (std::regex_match(name, dns) ||
                             (name.find(':') != std::string::npos && std::regex_match(name, ipv6))))
    return {};
  return Error::validation(
      "--public-host takes a host name or an IP address without scheme, port or "
      "path (e.g. cleanroom.example.com), not '" +
          name + "'",
      "--public-host");
}

}  // namespace cleanroom::api
