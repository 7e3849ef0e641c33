#include "api/amc/data_source_routes.h"

#include "api/amc/amc_face.h"

namespace cleanroom::api::amc {
using nlohmann::json;

namespace {

// amc-api-facts.md, "The privacy model": the classes as AMC names them.
const char* threshold_name(policy::ColumnClass c) {
  switch (c) {
    case policy::ColumnClass::None:
      return "NONE";
    case policy::ColumnClass::Low:
      return "LOW";
    case policy::ColumnClass::Medium:
      return "MEDIUM";
    case policy::ColumnClass::High:
      return "HIGH";
    case policy::ColumnClass::VeryHigh:
      return "VERY_HIGH";
  }
  return "NONE";
}

json data_source_json(const core::DataSource& d) {
  json columns = json::array();
  for (const auto& c : d.columns) {
    json col = {
        {"name", c.name}, {"dataType", c.data_type}, {"isMainEventTime", c.main_event_time}};
    if (c.column_class) col["aggregationThreshold"] = threshold_name(*c.column_class);
    if (!c.identifier_type.empty())
      col["externalUserIdType"] = {{"type", "HashedIdentifier"},
                                   {"identifierType", c.identifier_type}};
    columns.push_back(col);
  }
  return {{"dataSourceId", d.id},
          {"dataSourceType",
           d.kind == core::DataSourceKind::Platform ? "AMAZON" : "ADVERTISER_UPLOADED"},
          {"columns", columns}};
}

}  // namespace

void add_data_source_routes(Router& router, core::Services& s, AmcCallerResolver caller) {
  router.add("GET", "/amc/reporting/{instanceId}/dataSources",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto list, s.amc_data_sources.list(c, req.params.at("instanceId")));
               json out = json::array();
               for (const auto& d : list) out.push_back(data_source_json(d));
               return Response::json(200, {{"dataSources", out}});
             }));
  router.add("GET", "/amc/reporting/{instanceId}/dataSources/{dataSourceId}",
             guarded([&s, caller](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto d, s.amc_data_sources.get(c, req.params.at("instanceId"),
                                                        req.params.at("dataSourceId")));
               return Response::json(200, {{"dataSource", data_source_json(d)}});
             }));
}

}  // namespace cleanroom::api::amc
