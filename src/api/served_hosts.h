#pragma once
// The host names the server answers for. A browser page of another site can make its own name
// resolve to this server (DNS rebinding) and call it as a "same-origin" page: the request then
// carries that site's name in Host. Only the names the operator configured are answered
// (loopback names always, `serve --public-host NAME` for others); every other Host is refused
// before any face sees the request.
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace cleanroom::api {

class ServedHosts {
 public:
  // localhost, 127.0.0.1 and [::1]; then `public_hosts`; then `listen_host` when it is an
  // address of its own (not a wildcard such as 0.0.0.0), which a rebound name cannot be.
  explicit ServedHosts(const std::vector<std::string>& public_hosts = {},
                       const std::string& listen_host = "");

  // `authority` is a Host header or the host[:port] of an Origin: one of the names, with or
  // without a port, compared case-insensitively.
  bool serves(std::string_view authority) const;
  // As the start banner prints them.
  const std::vector<std::string>& names() const { return names_; }

  // A --public-host value: a DNS name or an IP address, without scheme, port or path.
  static Status check_name(const std::string& name);

 private:
  std::vector<std::string> names_;  // lowercase; IPv6 addresses in brackets
};

}  // namespace cleanroom::api
