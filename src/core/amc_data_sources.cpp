#include "core/amc_data_sources.h"

#include <algorithm>

#include "catalog/amc_datasets_repo.h"
#include "catalog/configured_tables_repo.h"
#include "catalog/datasets_repo.h"
#include "common/contains.h"
#include "core/amc_privacy.h"
#include "core/platform.h"

namespace cleanroom::core {
using catalog::Tx;

Result<std::vector<DataSource>> AmcDataSourceService::list(const AmcCaller& caller,
                                                           const std::string& instance_id) {
  CR_ASSIGN(auto view, instances_.get(caller, instance_id));
  const auto& inst = view.instance;
  return ctx_.db.read<std::vector<DataSource>>([&](Tx& tx) -> Result<std::vector<DataSource>> {
    std::vector<DataSource> out;
    CR_ASSIGN(auto provider, find_platform_account_id(tx, "ADVERTISING_DATA_PROVIDER"));
    CR_ASSIGN(auto associations,
              catalog::configured_tables_repo::active_associations_in_collaboration(
                  tx, inst.collaboration_id, "", 100000));
    for (const auto& a : associations) {
      CR_ASSIGN(auto t, catalog::configured_tables_repo::find(tx, a.configured_table_id));
      if (!t || !provider || t->account_id != *provider) continue;
      CR_ASSIGN(auto ds,
                catalog::datasets_repo::find(tx, t->account_id, t->database_name, t->table_name));
      if (!ds) continue;
      DataSource source{a.name, DataSourceKind::Platform, {}};
      std::vector<std::string> names;
      for (const auto& c : ds->columns)
        if (contains(t->allowed_columns, c.name)) names.push_back(c.name);
      // The same call the query planner makes (core/protected_queries.cpp), by the dataset's name.
      auto privacy = amc_privacy_of(t->table_name, names);
      for (const auto& c : ds->columns) {
        if (!contains(names, c.name)) continue;
        DataSourceColumn col{c.name, c.type, policy::ColumnClass::None, false, ""};
        if (privacy) {
          auto k = privacy->column_classes.find(c.name);
          if (k != privacy->column_classes.end()) col.column_class = k->second;
          col.main_event_time = privacy->event_time_column == c.name;
        }
        source.columns.push_back(col);
      }
      out.push_back(std::move(source));
    }
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.id < b.id; });

    CR_ASSIGN(auto sets, catalog::amc_datasets_repo::list(tx, inst.instance_id, "", 100000));
    for (const auto& d : sets) {
      DataSource source{d.data_set_id, DataSourceKind::Advertiser, {}};
      for (const auto& c : d.columns)
        source.columns.push_back(
            {c.name, c.data_type, std::nullopt, c.main_event_time, c.identifier_type});
      out.push_back(std::move(source));
    }
    return out;
  });
}

Result<DataSource> AmcDataSourceService::get(const AmcCaller& caller,
                                             const std::string& instance_id,
                                             const std::string& data_source_id) {
  CR_ASSIGN(auto all, list(caller, instance_id));
  for (auto& d : all)
    if (d.id == data_source_id) return d;
  return Error(ErrorKind::NotFound, "data source " + data_source_id + " not found");
}

}  // namespace cleanroom::core
