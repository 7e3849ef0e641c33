#include "core/instance_advertisers.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "catalog/accounts_repo.h"
#include "catalog/instances_repo.h"
#include "catalog/platform_advertisers_repo.h"
#include "common/clock.h"
#include "core/platform_tables.h"
#include "core/time_window.h"

namespace cleanroom::core {
namespace owners = catalog::platform_advertisers_repo;
using catalog::Tx;

namespace {

bool is_integer_type(const std::string& type) {
  static const std::vector<std::string> integers = {"TINYINT",  "SMALLINT",  "INTEGER",  "BIGINT",
                                                    "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"};
  return std::find(integers.begin(), integers.end(), type) != integers.end();
}

Status require_amc_account(Tx& tx, const std::string& amc_account_id) {
  CR_ASSIGN(auto amc, catalog::accounts_repo::find_amc_account(tx, amc_account_id));
  if (!amc) return Error::not_found(Resource::AmcAccount, amc_account_id);
  return {};
}

}  // namespace

std::optional<int64_t> parse_platform_advertiser_id(const std::string& id) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || end != id.data() + id.size() || v <= 0 || std::to_string(v) != id)
    return std::nullopt;
  return v;
}

Status PlatformAdvertiserService::link(const std::string& amc_account_id, int64_t advertiser_id) {
  if (advertiser_id <= 0)
    return Error::validation("the advertiser id must be a positive integer", "advertiserId");
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(require_amc_account(tx, amc_account_id));
    CR_ASSIGN(auto owner, owners::owner_of(tx, advertiser_id));
    if (owner && *owner == amc_account_id) return false;
    if (owner)
      return Error::conflict("advertiser " + std::to_string(advertiser_id) +
                                 " belongs to AMC account " + *owner + "; unlink it there first",
                             Cause::AlreadyExists, Resource::Advertiser,
                             std::to_string(advertiser_id));
    CR_TRY(owners::insert(tx, advertiser_id, amc_account_id, now_epoch_seconds()));
    return true;
  }));
}

Status PlatformAdvertiserService::unlink(const std::string& amc_account_id, int64_t advertiser_id) {
  return status_of(ctx_.db.write<bool>([&](Tx& tx) -> Result<bool> {
    CR_TRY(require_amc_account(tx, amc_account_id));
    CR_ASSIGN(auto owner, owners::owner_of(tx, advertiser_id));
    if (!owner || *owner != amc_account_id)
      return Error::not_found(Resource::Advertiser,
                              std::to_string(advertiser_id) + " of AMC account " + amc_account_id);
    CR_TRY(owners::remove(tx, advertiser_id));
    CR_TRY(catalog::instances_repo::remove_advertiser_from_account(tx, amc_account_id,
                                                                   std::to_string(advertiser_id)));
    return true;
  }));
}

Result<std::vector<int64_t>> PlatformAdvertiserService::of_account(
    const std::string& amc_account_id) {
  return ctx_.db.read<std::vector<int64_t>>([&](Tx& tx) -> Result<std::vector<int64_t>> {
    CR_TRY(require_amc_account(tx, amc_account_id));
    return owners::of_account(tx, amc_account_id);
  });
}

Result<std::string> advertiser_refusal(Tx& tx, const std::string& amc_account_id,
                                       const std::string& advertiser_id) {
  std::string refusal = "advertiser " + advertiser_id + " is not linked to AMC account " +
                        amc_account_id +
                        "; the operator links an account's advertisers (cleanroom admin "
                        "amc-account link-advertiser)";
  auto id = parse_platform_advertiser_id(advertiser_id);
  if (!id) return refusal;
  CR_ASSIGN(auto owner, owners::owner_of(tx, *id));
  if (!owner || *owner != amc_account_id) return refusal;
  return std::string();
}

Result<std::vector<int64_t>> readable_advertisers(Tx& tx, const std::string& collaboration_id) {
  CR_ASSIGN(auto inst, catalog::instances_repo::find_by_collaboration(tx, collaboration_id));
  if (!inst) return std::vector<int64_t>{};
  CR_ASSIGN(auto added, catalog::instances_repo::advertisers(tx, inst->instance_id));
  std::vector<int64_t> out;
  for (const auto& a : added) {
    // Checked again here, not only when added: an advertiser the operator has since unlinked
    // from the account is no longer the instance's to read.
    auto id = parse_platform_advertiser_id(a.advertiser_id);
    if (!id) continue;
    CR_ASSIGN(auto owner, owners::owner_of(tx, *id));
    if (owner && *owner == inst->advertiser_id) out.push_back(*id);
  }
  return out;
}

namespace {

bool same_name(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// The table's window on its event-time column: AMC reads every platform table only for the
// execution's window, so no SQL can reach the events outside it.
Result<std::optional<engine::TimeRange>> window_of(
    const TableRead& r, const std::map<std::string, std::string>& event_time_columns,
    const PlatformWindow& window) {
  auto column = std::find_if(event_time_columns.begin(), event_time_columns.end(),
                             [&](const auto& e) { return same_name(e.first, r.file.name); });
  if (column == event_time_columns.end() || column->second.empty())
    return std::optional<engine::TimeRange>{};
  int64_t start = window.start, end = window.end;
  for (const auto& x : window.extensions) {
    if (!same_name(x.table, r.file.name)) continue;
    const std::string where = "EXTEND_TIME_WINDOW('" + x.table + "', ...)";
    CR_ASSIGN(auto before, parse_iso_duration(x.before, where + " before"));
    CR_ASSIGN(auto after, parse_iso_duration(x.after, where + " after"));
    start = shift(start, before, -1);
    end = shift(end, after, +1);
  }
  static const std::vector<std::string> times = {"TIMESTAMP",
                                                 "DATE",
                                                 "TIMESTAMP_S",
                                                 "TIMESTAMP_MS",
                                                 "TIMESTAMP_NS",
                                                 "TIMESTAMPTZ",
                                                 "TIMESTAMP WITH TIME ZONE"};
  bool cast = true;
  for (const auto& c : r.dataset.columns)
    if (c.name == column->second)
      cast = std::find(times.begin(), times.end(), c.type) == times.end();
  return std::optional<engine::TimeRange>(engine::TimeRange{
      column->second, format_civil_time(start, ' '), format_civil_time(end, ' '), cast});
}

}  // namespace

Status limit_platform_rows(Tx& tx, const std::string& collaboration_id,
                           std::vector<TableRead>& reads,
                           const std::map<std::string, std::string>& event_time_columns,
                           const std::optional<PlatformWindow>& window) {
  std::optional<std::vector<int64_t>> readable;  // read at the first platform table
  for (auto& r : reads) {
    const catalog::DatasetRecord& ds = r.dataset;
    engine::TableFile& f = r.file;
    CR_ASSIGN(bool platform, is_platform_dataset(tx, ds.account_id, ds.database_name));
    if (!platform) continue;
    bool splittable = std::any_of(ds.columns.begin(), ds.columns.end(), [](const auto& c) {
      return c.name == kAdvertiserColumn && is_integer_type(c.type);
    });
    if (!splittable)
      return Error::validation("platform table " + f.name + " has no integer " + kAdvertiserColumn +
                                   " column, so its rows cannot be limited to this instance's "
                                   "advertisers; it cannot be queried",
                               "queryString");
    if (!readable) {
      CR_ASSIGN(readable, readable_advertisers(tx, collaboration_id));
    }
    f.rows = engine::RowFilter{kAdvertiserColumn, *readable};
    if (window) {
      CR_ASSIGN(f.window, window_of(r, event_time_columns, *window));
    }
  }
  return {};
}

}  // namespace cleanroom::core
