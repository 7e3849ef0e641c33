#pragma once
// A throwaway PostgreSQL for a test process (or a benchmark): initdb into a temporary folder,
// `postgres` on a free port of 127.0.0.1 only (and a socket in that folder), with fsync off;
// stopped and its folder deleted when the process exits. Each test asks it for a fresh
// database. Under root (CI, this machine) the server runs as the `postgres` user, since
// PostgreSQL refuses to run as root.
#include <string>

#include "common/error.h"

namespace cleanroom::testing {

class PostgresServer {
 public:
  // The process's server, started at first use.
  static Result<PostgresServer*> shared();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // CREATE DATABASE of a new name; its postgresql:// URL (with the server's password).
  Result<std::string> create_database();
  // The URL of the server's `postgres` database, for administration.
  std::string admin_url() const { return url("postgres"); }
  int port() const { return port_; }

 private:
  PostgresServer() = default;
  Status start();
  std::string url(const std::string& database) const;

  std::string dir_;
  std::string password_;
  int port_ = 0;
  int pid_ = -1;
  int databases_ = 0;
};

// Where a test's catalog is: a fresh PostgreSQL database on the shared server when
// CLEANROOM_TEST_CATALOG=postgresql, else DIR/meta.db (the SQLite default).
bool testing_postgres_catalog();
std::string test_catalog_target(const std::string& dir);

}  // namespace cleanroom::testing
