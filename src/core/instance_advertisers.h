#pragma once
// Platform advertisers and the instances that read them (amc-api-facts.md, "Accounts,
// instances, advertisers"; docs/platform-tables.md, "Advertisers"). The platform tables hold
// every advertiser's events, told apart by their `advertiser_id` column. The operator declares
// which of those ids belong to which AMC account; an admin of the account adds them to an
// instance (POST /amc/instances/{id}/advertisers/updates); a query in the instance's
// collaboration then reads only the rows of the advertisers both added to the instance and still
// owned by its account. Nothing else reads platform rows.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/database.h"
#include "catalog/datasets_repo.h"
#include "core/context.h"
#include "engine/protected_run.h"
#include "policy/query_check.h"

namespace cleanroom::core {

// The platform tables' column naming the advertiser an event belongs to.
inline constexpr const char* kAdvertiserColumn = "advertiser_id";

// An advertiser id as the AMC API carries it (text) read as the platform's BIGINT: decimal
// digits in canonical form ("42", not "042" or "+42"), so one advertiser has one spelling.
std::optional<int64_t> parse_platform_advertiser_id(const std::string& id);

// The operator's declarations: which platform advertisers an AMC account owns.
class PlatformAdvertiserService {
 public:
  explicit PlatformAdvertiserService(Context& ctx) : ctx_(ctx) {}

  // The advertiser's platform events belong to the AMC account. An advertiser has one owner:
  // linking it to a second account is a Conflict (unlink it first); linking again is a no-op.
  Status link(const std::string& amc_account_id, int64_t advertiser_id);
  // The account no longer owns the advertiser: it leaves the account's instances, whose queries
  // stop reading its rows at once.
  Status unlink(const std::string& amc_account_id, int64_t advertiser_id);
  Result<std::vector<int64_t>> of_account(const std::string& amc_account_id);

 private:
  Context& ctx_;
};

// Why an instance of the AMC account may not add the advertiser, or "" when it may (the operator
// linked it to the account). An unknown id and another account's id get the same answer, so the
// reason tells nothing about other accounts.
Result<std::string> advertiser_refusal(catalog::Tx& tx, const std::string& amc_account_id,
                                       const std::string& advertiser_id);

// The platform advertisers whose rows queries in the collaboration read: those added to the
// collaboration's AMC instance that its account still owns; none for a collaboration that
// belongs to no instance.
Result<std::vector<int64_t>> readable_advertisers(catalog::Tx& tx,
                                                  const std::string& collaboration_id);

// A table a query reads: its dataset as the catalog holds it, and the engine's view of it.
struct TableRead {
  catalog::DatasetRecord dataset;
  engine::TableFile file;
  std::string association_id;  // the configured table association it is read through
};

// An AMC workflow execution's time window, [start, end) in epoch seconds (UTC), and the
// widenings its SQL asked for (TABLE(EXTEND_TIME_WINDOW('t', 'P30D', 'P0D'))).
struct PlatformWindow {
  int64_t start = 0;
  int64_t end = 0;
  std::vector<policy::CheckedQuery::WindowExtension> extensions;
};

// Gives each platform table among a query's reads (the Advertising Data Provider's `platform`
// datasets) a row filter to readable_advertisers. A platform table without an integer
// `advertiser_id` column cannot be split by advertiser, so a query that reads it is refused.
// With a window (AMC executions; protected queries have none), each platform table named in
// `event_time_columns` (table name -> its event-time column, policy::AmcPrivacy) is also limited
// to the window on that column, widened as its extension says; a bad duration is a Validation
// error.
Status limit_platform_rows(catalog::Tx& tx, const std::string& collaboration_id,
                           std::vector<TableRead>& reads,
                           const std::map<std::string, std::string>& event_time_columns = {},
                           const std::optional<PlatformWindow>& window = std::nullopt);

}  // namespace cleanroom::core
