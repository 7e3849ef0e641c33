#include "catalog/database.h"

#include <chrono>

#include "catalog/backend.h"

namespace cleanroom::catalog {

const Value& Row::at(std::string_view col) const {
  for (size_t i = 0; i < names_->size(); ++i)
    if ((*names_)[i] == col) return values_[i];
  static const Value null_value = nullptr;
  return null_value;
}
bool Row::is_null(std::string_view col) const {
  return std::holds_alternative<std::nullptr_t>(at(col));
}
std::string Row::str(std::string_view col) const { return opt_str(col).value_or(""); }
std::optional<std::string> Row::opt_str(std::string_view col) const {
  const Value& v = at(col);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::nullopt;
}
int64_t Row::integer(std::string_view col) const {
  const Value& v = at(col);
  if (auto* n = std::get_if<int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) return std::stoll(*s);
  return 0;
}
double Row::real(std::string_view col) const {
  const Value& v = at(col);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (auto* s = std::get_if<std::string>(&v)) return std::stod(*s);
  return 0;
}

Status Tx::exec(std::string_view sql, const std::vector<Value>& args) {
  return c_->exec(sql, args);
}
Result<std::vector<Row>> Tx::query(std::string_view sql, const std::vector<Value>& args) {
  return c_->query(sql, args);
}
Result<std::optional<Row>> Tx::query_one(std::string_view sql, const std::vector<Value>& args) {
  CR_ASSIGN(auto rows, query(sql, args));
  if (rows.empty()) return std::optional<Row>{};
  return std::optional<Row>(std::move(rows.front()));
}
int64_t Tx::changes() const { return c_->changes(); }

bool is_postgres_target(const std::string& target) {
  return target.starts_with("postgresql://") || target.starts_with("postgres://");
}

std::string describe_target(const std::string& target) {
  if (!is_postgres_target(target)) return target;
  // postgresql://user:password@host..., and password=... among the parameters after '?'.
  std::string out = target;
  size_t scheme_end = out.find("://") + 3;
  size_t at = out.find('@', scheme_end);
  size_t slash = out.find('/', scheme_end);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = out.find(':', scheme_end);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "****");
  }
  for (size_t p = out.find("password=", out.find('?')); p != std::string::npos;
       p = out.find("password=", p + 1)) {
    if (out.find('?') == std::string::npos || p == 0 || (out[p - 1] != '?' && out[p - 1] != '&'))
      continue;
    size_t end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "****");
  }
  return out;
}

Result<std::unique_ptr<Database>> Database::open(const std::string& target) {
  CR_ASSIGN(auto backend,
            is_postgres_target(target) ? postgres_backend(target) : sqlite_backend(target));
  CR_ASSIGN(auto writer, backend->connect(true));
  CR_TRY(backend->migrate(*writer));
  return std::unique_ptr<Database>(new Database(std::move(backend), std::move(writer)));
}

Database::Database(std::unique_ptr<Backend> backend, std::unique_ptr<Connection> writer)
    : backend_(std::move(backend)), writer_(std::move(writer)) {}

Database::~Database() {
  // Connections before the backend that made them (SQLite keeps its WAL index descriptor open
  // until the last connection is closed).
  idle_readers_.clear();
  readers_.clear();
  writer_.reset();
}

std::unique_lock<std::mutex> Database::lock_writer() {
  writes_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(writer_mu_, std::try_to_lock);
  if (lock.owns_lock()) return lock;
  auto start = std::chrono::steady_clock::now();
  lock.lock();
  auto waited = std::chrono::steady_clock::now() - start;
  writer_wait_ns_.fetch_add(std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count(),
                            std::memory_order_relaxed);
  writer_waits_.fetch_add(1, std::memory_order_relaxed);
  return lock;
}

WriterWaitStats Database::writer_wait_stats() const {
  return {static_cast<double>(writer_wait_ns_.load(std::memory_order_relaxed)) / 1e9,
          writes_.load(std::memory_order_relaxed), writer_waits_.load(std::memory_order_relaxed)};
}

Result<Connection*> Database::take_reader() {
  {
    std::lock_guard lock(readers_mu_);
    if (!idle_readers_.empty()) {
      Connection* reader = idle_readers_.back();
      idle_readers_.pop_back();
      return reader;
    }
  }
  // As many readers as reads at once (the server's worker threads); each kept for the next.
  CR_ASSIGN(auto reader, backend_->connect(false));
  Connection* borrowed = reader.get();
  std::lock_guard lock(readers_mu_);
  readers_.push_back(std::move(reader));
  return borrowed;
}

void Database::give_back(Connection* reader) {
  std::lock_guard lock(readers_mu_);
  idle_readers_.push_back(reader);
}

Status Database::begin_write() {
  CR_TRY(backend_->before_write());
  return writer_->begin(true);
}

Status Database::begin_read(Connection& reader) { return reader.begin(false); }

Status Database::end(Connection& c, bool commit) { return c.end(commit); }

int Database::schema_version() {
  std::lock_guard lock(writer_mu_);
  auto v = backend_->schema_version(*writer_);
  return v.ok() ? *v : 0;
}

}  // namespace cleanroom::catalog
