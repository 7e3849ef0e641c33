#pragma once
// What an AMC instance's SQL can read (docs/amc-api.md, "Data sources"): the platform's tables
// associated into its collaboration, each column with the AMC class the query policy gives it
// (core/amc_privacy.h, the one place that rule lives), and the advertiser's own data sets.
#include <optional>
#include <string>
#include <vector>

#include "core/accounts.h"
#include "core/context.h"
#include "core/instances.h"
#include "policy/query_check.h"

namespace cleanroom::core {

enum class DataSourceKind { Platform, Advertiser };

struct DataSourceColumn {
  std::string name;
  // Platform tables: the engine's type (VARCHAR, BIGINT, TIMESTAMP, ...); data sets: their
  // definition's dataType (STRING, LONG, ...).
  std::string data_type;
  // Platform tables: the class the policy holds the column to. Advertiser data sets are held to
  // their configured table's analysis rule instead, so they have none.
  std::optional<policy::ColumnClass> column_class;
  bool main_event_time = false;
  std::string identifier_type;  // advertiser data sets: EMAIL, PHONE, ... or ""
};

struct DataSource {
  std::string id;  // the name a query uses: the association's name, or the dataSetId
  DataSourceKind kind = DataSourceKind::Platform;
  std::vector<DataSourceColumn> columns;
};

class AmcDataSourceService {
 public:
  explicit AmcDataSourceService(Context& ctx) : ctx_(ctx), instances_(ctx) {}
  // By id: the platform's tables, then the advertiser's data sets.
  Result<std::vector<DataSource>> list(const AmcCaller& caller, const std::string& instance_id);
  Result<DataSource> get(const AmcCaller& caller, const std::string& instance_id,
                         const std::string& data_source_id);

 private:
  Context& ctx_;
  InstanceService instances_;
};

}  // namespace cleanroom::core
