#include "api/amc/data_upload_face.h"

#include <algorithm>

#include "api/amc/amc_face.h"
#include "api/json_body.h"
#include "common/clock.h"
#include "core/amc_data_upload.h"
#include "data/memory_file.h"

namespace cleanroom::api::amc {
using catalog::AmcColumnDef;
using catalog::AmcDataSetRecord;
using catalog::AmcUploadRecord;
using nlohmann::json;

namespace {

constexpr const char* kPrefix = "/amc/advertiserData/{instanceId}";

Result<std::optional<bool>> optional_bool(const json& obj, const std::string& name,
                                          const std::string& prefix) {
  auto it = obj.find(name);
  if (it == obj.end()) return std::optional<bool>{};
  if (!it->is_boolean())
    return Error::validation("field '" + prefix + name + "' must be true or false", prefix + name);
  return std::optional<bool>(it->get<bool>());
}

// Two spellings of a hashed identifier column: {"hashedPii": "EMAIL"} (the current API) and
// {"type": "HashedIdentifier", "identifierType": "EMAIL"} (reference/amc-api-facts.md).
Result<std::string> parse_identifier_type(const json& v, const std::string& field) {
  if (!v.is_object()) return Error::validation("field '" + field + "' must be an object", field);
  CR_TRY(check_known_fields(v, {"hashedPii", "type", "identifierType"}, field + "."));
  CR_ASSIGN(auto hashed, optional_string(v, "hashedPii", field + "."));
  if (hashed) return *hashed;
  CR_ASSIGN(auto type, optional_string(v, "type", field + "."));
  if (type && *type != "HashedIdentifier")
    return Error::validation(field + ".type '" + *type +
                                 "' is not supported: only hashed identifiers (HashedIdentifier)",
                             field + ".type");
  return required_string(v, "identifierType", field + ".");
}

// A fileFormat given by its name: CSV, JSON or PARQUET.
Result<DataFormat> data_format_named(const std::string& name) {
  if (auto format = parse_wire<DataFormat>(name)) return *format;
  return Error::validation("fileFormat must be CSV, JSON or PARQUET, not '" + name + "'",
                           "fileFormat");
}

// A data set's fileFormat, which names the default format of its uploads.
Result<std::optional<DataFormat>> data_format(const json& body) {
  CR_ASSIGN(auto name, optional_string(body, "fileFormat"));
  if (!name) return std::optional<DataFormat>();
  CR_ASSIGN(DataFormat format, data_format_named(*name));
  return std::optional<DataFormat>(format);
}

Result<AmcDataSetRecord> parse_data_set(json body) {
  // The current API wraps the definition in {"dataSet": {...}}; the reference sends it bare.
  if (body.size() == 1 && body.contains("dataSet")) {
    if (!body["dataSet"].is_object())
      return Error::validation("field 'dataSet' must be an object", "dataSet");
    body = json(body["dataSet"]);
  }
  CR_TRY(check_known_fields(body, {"dataSetId", "description", "dataSetType", "period",
                                   "fileFormat", "countryCode", "columns"}));
  AmcDataSetRecord d;
  CR_ASSIGN(d.data_set_id, required_string(body, "dataSetId"));
  CR_ASSIGN(auto description, optional_string(body, "description"));
  CR_ASSIGN(auto type, optional_string(body, "dataSetType"));
  CR_ASSIGN(auto period, optional_string(body, "period"));
  CR_ASSIGN(auto format, data_format(body));
  CR_ASSIGN(auto country, optional_string(body, "countryCode"));
  d.description = description.value_or("");
  d.data_set_type = type.value_or("");
  d.period = period.value_or("");
  d.file_format = format.value_or(DataFormat::Csv);
  d.country_code = country.value_or("");
  if (!body.contains("columns")) return Error::validation("field 'columns' is required", "columns");
  CR_ASSIGN(json columns, optional_object_array(body, "columns"));
  for (size_t i = 0; i < columns.size(); i++) {
    const json& c = columns[i];
    const std::string field = "columns[" + std::to_string(i) + "]";
    const std::string prefix = field + ".";
    CR_TRY(check_known_fields(c,
                              {"name", "description", "dataType", "columnType", "nullable",
                               "isMainEventTime", "externalUserIdType"},
                              prefix));
    AmcColumnDef col;
    CR_ASSIGN(col.name, required_string(c, "name", prefix));
    CR_ASSIGN(auto column_description, optional_string(c, "description", prefix));
    col.description = column_description.value_or("");
    CR_ASSIGN(col.data_type, required_string(c, "dataType", prefix));
    CR_ASSIGN(col.column_type, required_string(c, "columnType", prefix));
    CR_ASSIGN(auto nullable, optional_bool(c, "nullable", prefix));
    col.nullable = nullable.value_or(true);
    CR_ASSIGN(auto main_event_time, optional_bool(c, "isMainEventTime", prefix));
    col.main_event_time = main_event_time.value_or(false);
    if (c.contains("externalUserIdType")) {
      CR_ASSIGN(col.identifier_type,
                parse_identifier_type(c["externalUserIdType"], prefix + "externalUserIdType"));
    }
    d.columns.push_back(col);
  }
  return d;
}

json data_set_json(const AmcDataSetRecord& d) {
  json columns = json::array();
  for (const auto& c : d.columns) {
    json col = {{"name", c.name},          {"description", c.description},
                {"dataType", c.data_type}, {"columnType", c.column_type},
                {"nullable", c.nullable},  {"isMainEventTime", c.main_event_time}};
    if (!c.identifier_type.empty())
      col["externalUserIdType"] = {{"type", "HashedIdentifier"},
                                   {"identifierType", c.identifier_type}};
    columns.push_back(col);
  }
  json out = {{"dataSetId", d.data_set_id},
              {"description", d.description},
              {"dataSetType", d.data_set_type},
              {"period", d.period},
              {"fileFormat", wire_name(d.file_format)},
              {"columns", columns},
              {"createdAt", format_iso8601(d.created_at)},
              {"updatedAt", format_iso8601(d.updated_at)}};
  if (!d.country_code.empty()) out["countryCode"] = d.country_code;
  return out;
}

json upload_json(const AmcUploadRecord& u) {
  json out = {{"uploadId", u.upload_id},
              {"dataSetId", u.data_set_id},
              {"instanceId", u.instance_id},
              {"status", wire_name(u.status)},
              {"metrics", json::object()},
              {"createdAt", format_iso8601(u.created_at)},
              {"updatedAt", format_iso8601(u.updated_at)}};
  for (const auto& [k, v] : u.source.items()) out[k] = v;
  if (u.status == UploadStatus::Succeeded) out["metrics"]["OutputRowCount"] = u.row_count;
  if (!u.message.empty()) out["message"] = u.message;
  return out;
}

// fileFormat of an upload: "CSV", "JSON", "PARQUET", or the current API's object
// ({"csvDataFormat": {...}}, {"jsonDataFormat": "LINES"}, {"parquetDataFormat": ...}).
Result<std::optional<DataFormat>> parse_file_format(const json& body) {
  auto it = body.find("fileFormat");
  if (it == body.end()) return std::optional<DataFormat>();
  if (it->is_string()) {
    CR_ASSIGN(DataFormat format, data_format_named(it->get<std::string>()));
    return std::optional<DataFormat>(format);
  }
  if (!it->is_object() || it->size() != 1)
    return Error::validation(
        "fileFormat must be CSV, JSON or PARQUET, or an object with one of csvDataFormat, "
        "jsonDataFormat, parquetDataFormat",
        "fileFormat");
  const std::string kind = it->begin().key();
  const json& options = it->begin().value();
  if (kind == "csvDataFormat") {
    if (!options.is_object())
      return Error::validation("fileFormat.csvDataFormat must be an object",
                               "fileFormat.csvDataFormat");
    // The reader's dialect is fixed (sources.cpp): comma, double quotes, a header line.
    auto delimiter = options.find("fieldDelimiter");
    if (delimiter != options.end() && *delimiter != ",")
      return Error::validation("only ',' is supported as fileFormat.csvDataFormat.fieldDelimiter",
                               "fileFormat.csvDataFormat.fieldDelimiter");
    return std::optional<DataFormat>(DataFormat::Csv);
  }
  if (kind == "jsonDataFormat") {
    if (options != "LINES")
      return Error::validation(
          "only LINES (one object per line) is supported as "
          "fileFormat.jsonDataFormat",
          "fileFormat.jsonDataFormat");
    return std::optional<DataFormat>(DataFormat::Json);
  }
  if (kind == "parquetDataFormat") return std::optional<DataFormat>(DataFormat::Parquet);
  return Error::validation("unknown field 'fileFormat." + kind + "'", "fileFormat." + kind);
}

// The request of the current API: the data in a bucket.
Result<core::AmcUploadSource> parse_bucket_upload(const std::string& text) {
  CR_ASSIGN(json body, parse_json_object(text));
  CR_TRY(check_known_fields(
      body, {"updateStrategy", "countryCode", "compressionFormat", "dataSource", "fileFormat"}));
  core::AmcUploadSource s;
  CR_ASSIGN(auto strategy, optional_string(body, "updateStrategy"));
  CR_ASSIGN(auto country, optional_string(body, "countryCode"));
  CR_ASSIGN(auto compression, optional_string(body, "compressionFormat"));
  CR_ASSIGN(s.file_format, parse_file_format(body));
  s.update_strategy = strategy.value_or("");
  s.country_code = country.value_or("");
  auto source = body.find("dataSource");
  if (source == body.end() || !source->is_object())
    return Error::validation("field 'dataSource' is required: {sourceS3Bucket, sourceFileS3Key}",
                             "dataSource");
  CR_TRY(check_known_fields(
      *source, {"sourceS3Bucket", "sourceFileS3Key", "sourceS3Prefix", "sourceManifestS3Key"},
      "dataSource."));
  if (source->contains("sourceS3Prefix") || source->contains("sourceManifestS3Key"))
    return Error::validation("only dataSource.sourceFileS3Key (one object) is supported",
                             "dataSource");
  CR_ASSIGN(s.bucket, required_string(*source, "sourceS3Bucket", "dataSource."));
  CR_ASSIGN(s.key, required_string(*source, "sourceFileS3Key", "dataSource."));
  // The engine reads a compressed object by its name's extension.
  const std::string c = compression.value_or("NONE");
  bool gz = s.key.size() > 3 && s.key.compare(s.key.size() - 3, 3, ".gz") == 0;
  if (c != "NONE" && !(c == "GZIP" && gz))
    return Error::validation("compressionFormat must be NONE, or GZIP for a key ending in .gz",
                             "compressionFormat");
  return s;
}

bool is_json(const Request& req) {
  std::string type = req.header("Content-Type");
  std::transform(type.begin(), type.end(), type.begin(), ::tolower);
  type = type.substr(0, type.find(';'));
  return type == "application/json" ||
         (type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
}

}  // namespace

void add_data_upload_routes(Router& router, core::Services& services, AmcCallerResolver caller) {
  core::AmcDataUploadService* service = &services.amc_data_uploads;
  const std::string prefix = kPrefix;
  auto id = [](const Request& req, const char* name) { return req.params.at(name); };

  router.add(
      "POST", prefix + "/dataSets", guarded([=](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_ASSIGN(json body, parse_json_object(req.body));
        CR_ASSIGN(auto definition, parse_data_set(body));
        CR_ASSIGN(auto d, service->create(c, id(req, "instanceId"), definition));
        return Response::json(200, {{"dataSetId", d.data_set_id}, {"instanceId", d.instance_id}});
      }));
  auto list = guarded([=](Request& req) -> Result<Response> {
    CR_ASSIGN(auto c, caller(req));
    CR_ASSIGN(int limit, limit_of(req));
    CR_ASSIGN(auto page,
              service->list(c, id(req, "instanceId"), req.query_value("nextToken"), limit));
    json out = {{"dataSets", json::array()}};
    for (const auto& d : page.data_sets) out["dataSets"].push_back(data_set_json(d));
    if (!page.next_token.empty()) out["nextToken"] = page.next_token;
    return Response::json(200, out);
  });
  router.add("POST", prefix + "/dataSets/list", list);
  router.add("GET", prefix + "/dataSets", list);
  router.add("GET", prefix + "/dataSets/{dataSetId}",
             guarded([=](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto d, service->get(c, id(req, "instanceId"), id(req, "dataSetId")));
               return Response::json(200, {{"dataSet", data_set_json(d)}});
             }));
  router.add(
      "DELETE", prefix + "/dataSets/{dataSetId}", guarded([=](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        CR_TRY(service->remove(c, id(req, "instanceId"), id(req, "dataSetId")));
        return Response::json(
            200, {{"dataSetId", id(req, "dataSetId")}, {"instanceId", id(req, "instanceId")}});
      }));

  router.add("POST", prefix + "/uploads/list", guarded([=](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto uploads, service->list_uploads(c, id(req, "instanceId"),
                                                             req.query_value("dataSetId")));
               json out = {{"uploads", json::array()}};
               for (const auto& u : uploads) out["uploads"].push_back(upload_json(u));
               return Response::json(200, out);
             }));
  // A JSON body is the current API's request (the data in a bucket); any other body is the data
  // itself, read as the query's fileFormat (default: the data set's).
  router.add(
      "POST", prefix + "/uploads/{dataSetId}", guarded([=](Request& req) -> Result<Response> {
        CR_ASSIGN(auto c, caller(req));
        core::AmcUploadSource source;
        if (is_json(req)) {
          CR_ASSIGN(source, parse_bucket_upload(req.body));
        } else {
          if (req.body.empty())
            return Error::validation(
                "the request body is empty: send the data, or a JSON request with "
                "Content-Type application/json");
          if (std::string format = req.query_value("fileFormat"); !format.empty()) {
            CR_ASSIGN(source.file_format, data_format_named(format));
          }
          source.country_code = req.query_value("countryCode");
          source.update_strategy = req.query_value("updateStrategy");
          // Held in memory, not a temporary file: raw identity values never reach disk.
          CR_ASSIGN(auto memory, cleanroom::data::MemoryFile::create(req.body));
          source.body = std::make_shared<const cleanroom::data::MemoryFile>(std::move(memory));
          std::string().swap(req.body);  // one copy of a large body is enough
        }
        CR_ASSIGN(auto u, service->upload(c, id(req, "instanceId"), id(req, "dataSetId"), source));
        json out = {{"uploadId", u.upload_id}, {"status", wire_name(u.status)}};
        if (!u.message.empty()) out["message"] = u.message;
        return Response::json(200, out);
      }));
  router.add("GET", prefix + "/uploads/{dataSetId}/{uploadId}",
             guarded([=](Request& req) -> Result<Response> {
               CR_ASSIGN(auto c, caller(req));
               CR_ASSIGN(auto u, service->get_upload(c, id(req, "instanceId"), id(req, "dataSetId"),
                                                     id(req, "uploadId")));
               return Response::json(200, {{"upload", upload_json(u)}});
             }));
}

}  // namespace cleanroom::api::amc
