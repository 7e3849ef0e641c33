#include "support/postgres_server.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "common/crypto.h"

namespace cleanroom::testing {
namespace {
namespace fs = std::filesystem;

// Debian installs the server's programs outside PATH: the newest version there, else PATH.
std::string postgres_bin_dir() {
  if (const char* dir = std::getenv("CLEANROOM_PG_BIN")) return dir;
  std::string best;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    fs::path bin = entry.path() / "bin";
    if (fs::exists(bin / "postgres") && bin.string() > best) best = bin.string();
  }
  return best;  // "": execvp finds initdb and postgres on PATH
}

std::string program(const std::string& bin_dir, const char* name) {
  return bin_dir.empty() ? name : bin_dir + "/" + name;
}

// The user the server runs as: ourselves, or under root `postgres` (else nobody).
struct RunAs {
  bool change = false;
  uid_t uid = 0;
  gid_t gid = 0;
};
RunAs run_as() {
  RunAs r;
  if (::geteuid() != 0) return r;
  const passwd* pw = ::getpwnam("postgres");
  if (!pw) pw = ::getpwnam("nobody");
  if (!pw) return r;
  r = {true, pw->pw_uid, pw->pw_gid};
  return r;
}

// Runs argv as that user; stdout and stderr to `log`. Returns the child's pid.
pid_t spawn(const std::vector<std::string>& argv, const std::string& log, const RunAs& as,
            bool die_with_parent) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    ::dup2(fd, 1);
    ::dup2(fd, 2);
  }
  if (as.change && (::setgid(as.gid) != 0 || ::setuid(as.uid) != 0)) ::_exit(126);
  // After setuid, which clears it: the server goes when the test process goes, even by a crash.
  if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

std::string tail_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > 2000 ? text.substr(text.size() - 2000) : text;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

}  // namespace

Result<PostgresServer*> PostgresServer::shared() {
  static std::mutex mu;
  static std::unique_ptr<PostgresServer> server;
  static Error failed;
  static bool tried = false;
  std::lock_guard lock(mu);
  if (!tried) {
    tried = true;
    std::unique_ptr<PostgresServer> s(new PostgresServer());
    if (Status st = s->start(); st.ok())
      server = std::move(s);
    else
      failed = st.error();
  }
  if (!server) return failed;
  return server.get();
}

Status PostgresServer::start() {
  dir_ = (fs::temp_directory_path() / ("cleanroom-pg-" + crypto::uuid4())).string();
  fs::create_directories(dir_);
  RunAs as = run_as();
  if (as.change && ::chown(dir_.c_str(), as.uid, as.gid) != 0)
    return Error::internal("cannot give " + dir_ + " to the postgres user");
  const std::string bin = postgres_bin_dir();
  password_ = crypto::random_string(24, "abcdefghijklmnopqrstuvwxyz0123456789");
  {
    std::ofstream pw(dir_ + "/pwfile");
    pw << password_ << "\n";
  }
  if (as.change) (void)::chown((dir_ + "/pwfile").c_str(), as.uid, as.gid);
  const std::string log = dir_ + "/log";
  pid_t init = spawn({program(bin, "initdb"), "-D", dir_ + "/data", "-U", "cleanroom",
                      "--pwfile=" + dir_ + "/pwfile", "--auth=scram-sha-256", "-E", "UTF8",
                      "--locale=C", "--no-sync"},
                     log, as, false);
  int status = 0;
  ::waitpid(init, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return Error::internal("initdb failed: " + tail_of(log));
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = free_port();
    pid_ = spawn({program(bin, "postgres"), "-D", dir_ + "/data", "-p", std::to_string(port_), "-k",
                  dir_, "-c", "listen_addresses=127.0.0.1", "-F", "-c", "synchronous_commit=off",
                  "-c", "full_page_writes=off"},
                 log, as, true);
    const std::string ping = "host=127.0.0.1 port=" + std::to_string(port_) + " dbname=postgres";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(ping.c_str()) == PQPING_OK) return {};
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited = true;  // the port was taken meanwhile, most likely: another one
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!exited) break;
  }
  return Error::internal("postgres did not start: " + tail_of(log));
}

PostgresServer::~PostgresServer() {
  if (pid_ > 0) {
    ::kill(pid_, SIGQUIT);  // immediate shutdown: nothing here is worth keeping
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string PostgresServer::url(const std::string& database) const {
  return "postgresql://cleanroom:" + password_ + "@127.0.0.1:" + std::to_string(port_) + "/" +
         database;
}

Result<std::string> PostgresServer::create_database() {
  const std::string name = "test_" + std::to_string(++databases_);
  PGconn* conn = PQconnectdb(admin_url().c_str());
  std::string error;
  if (PQstatus(conn) != CONNECTION_OK) {
    error = PQerrorMessage(conn);
  } else {
    PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(conn);
  if (!error.empty()) return Error::internal("cannot create a test database: " + error);
  return url(name);
}

bool testing_postgres_catalog() {
  const char* which = std::getenv("CLEANROOM_TEST_CATALOG");
  return which && std::string(which) == "postgresql";
}

std::string test_catalog_target(const std::string& dir) {
  if (!testing_postgres_catalog()) return dir + "/meta.db";
  auto server = PostgresServer::shared();
  if (!server.ok()) {
    std::fprintf(stderr, "test PostgreSQL: %s\n", server.error().message.c_str());
    std::abort();
  }
  auto url = (*server)->create_database();
  if (!url.ok()) {
    std::fprintf(stderr, "test PostgreSQL: %s\n", url.error().message.c_str());
    std::abort();
  }
  return *url;
}

}  // namespace cleanroom::testing
