#include "api/data/data_face.h"

#include "api/cleanrooms/cleanrooms_face.h"
#include "api/json_body.h"
#include "api/sigv4_caller.h"
#include "data/memory_file.h"

namespace cleanroom::api::data {
using cleanrooms::error_response;
using nlohmann::json;

namespace {

// An upload job as GET, PUT and DELETE answer it (docs/datasets.md, "Over HTTP").
json upload_job_json(const catalog::DatasetUploadRecord& job) {
  json out = {{"uploadId", job.upload_id},
              {"databaseName", job.database_name},
              {"tableName", job.table_name},
              {"status", wire_name(job.status)},
              {"progress",
               {{"fraction", job.fraction},
                {"bytesDone", job.bytes_done},
                {"bytesTotal", job.bytes_total}}},
              {"createTime", job.created_at},
              {"updateTime", job.updated_at}};
  if (!job.dataset.empty()) out["dataset"] = json::parse(job.dataset);
  if (!job.message.empty()) out["message"] = job.message;
  return out;
}

// "/datasets/a/b" -> {"a", "b"}; the path is already percent-decoded.
std::vector<std::string> segments_after_prefix(const std::string& path) {
  std::vector<std::string> out;
  std::string rest = path.substr(std::string("/datasets").size());
  size_t start = 0;
  while (start < rest.size()) {
    if (rest[start] == '/') {
      start++;
      continue;
    }
    size_t end = rest.find('/', start);
    if (end == std::string::npos) end = rest.size();
    out.push_back(rest.substr(start, end - start));
    start = end;
  }
  return out;
}

}  // namespace

Response DataFace::handle(Request& req) {
  // Authenticate before revealing anything, even which paths exist.
  auto caller = sigv4_caller(s_, req);
  if (!caller.ok()) return error_response(caller.error());
  auto parts = segments_after_prefix(req.path);
  if (req.method == "GET" && parts.empty()) {
    auto list = s_.datasets.list(*caller);
    if (!list.ok()) return error_response(list.error());
    json out = json::array();
    for (const auto& d : *list) out.push_back(core::dataset_json(d));
    return Response::json(200, {{"datasets", out}});
  }
  if (parts.size() == 2 && req.method == "GET") {
    auto d = s_.datasets.get(*caller, parts[0], parts[1]);
    if (!d.ok()) return error_response(d.error());
    return Response::json(200, core::dataset_json(*d));
  }
  if (parts.size() == 2 && req.method == "PUT") return upload(*caller, req, parts[0], parts[1]);
  if (parts.size() == 4 && parts[2] == "uploads" && (req.method == "GET" || req.method == "DELETE"))
    return upload_job(*caller, req, parts[0], parts[1], parts[3]);
  if (parts.size() == 3 && parts[2] == "match" && req.method == "POST")
    return match(*caller, req, parts[0], parts[1]);
  Error e = Error::not_found(Resource::Route, req.path);
  e.message = "no dataset operation at " + req.method + " " + req.path;
  return error_response(e);
}

Response DataFace::upload(const std::string& caller, Request& req, const std::string& database,
                          const std::string& table) {
  core::UploadRequest upload;
  upload.database_name = database;
  upload.table_name = table;
  std::string format = req.has_query("format") ? req.query_value("format") : "csv";
  auto f = cleanroom::data::file_format_from_name(format);
  if (!f)
    return error_response(
        Error::validation("format must be csv, parquet or jsonl, not '" + format + "'", "format"));
  upload.format = *f;
  auto columns = core::parse_columns_spec(req.query_value("columns"));
  if (!columns.ok()) return error_response(columns.error());
  upload.columns = *columns;
  auto pii = core::parse_pii_spec(req.query_value("pii"));
  if (!pii.ok()) return error_response(pii.error());
  upload.pii = *pii;
  if (req.has_query("country")) upload.country = req.query_value("country");
  if (req.body.empty())
    return error_response(
        Error::validation("the request body is empty: send the file as the body"));

  Status ok = s_.datasets.check_upload(caller, upload);
  if (!ok.ok()) return error_response(ok.error());

  // The body goes to memory, not to a temporary file: raw identity values never reach disk.
  auto file = cleanroom::data::MemoryFile::create(req.body);
  if (!file.ok()) return error_response(file.error());
  std::string().swap(req.body);  // one copy of a large body is enough
  auto body = std::make_shared<const cleanroom::data::MemoryFile>(std::move(*file));
  auto job = s_.dataset_uploads.submit(caller, upload, body);
  if (!job.ok()) return error_response(job.error());
  return Response::json(202, upload_job_json(*job));
}

Response DataFace::upload_job(const std::string& caller, Request& req, const std::string& database,
                              const std::string& table, const std::string& upload_id) {
  auto job = req.method == "DELETE" ? s_.dataset_uploads.cancel(caller, database, table, upload_id)
                                    : s_.dataset_uploads.get(caller, database, table, upload_id);
  if (!job.ok()) return error_response(job.error());
  return Response::json(200, upload_job_json(*job));
}

// The optional body names the identity table and the output table, each "DATABASE.TABLE".
Response DataFace::match(const std::string& caller, Request& req, const std::string& database,
                         const std::string& table) {
  core::ResolveRequest resolve;
  resolve.database_name = database;
  resolve.table_name = table;
  if (!req.body.empty()) {
    auto body = parse_json_object(req.body);
    if (!body.ok()) return error_response(body.error());
    Status known = check_known_fields(*body, {"platformTable", "into"});
    if (!known.ok()) return error_response(known.error());
    struct Field {
      const char* name;
      std::string* database;
      std::string* table;
    };
    const Field fields[] = {{"platformTable", &resolve.platform_database, &resolve.platform_table},
                            {"into", &resolve.into_database, &resolve.into_table}};
    for (const Field& f : fields) {
      auto value = optional_string(*body, f.name);
      if (!value.ok()) return error_response(value.error());
      if (!*value) continue;
      auto dot = (*value)->find('.');
      if (dot == std::string::npos || dot == 0 || dot + 1 == (*value)->size())
        return error_response(Error::validation(
            std::string(f.name) + " must be DATABASE.TABLE, not '" + **value + "'", f.name));
      *f.database = (*value)->substr(0, dot);
      *f.table = (*value)->substr(dot + 1);
    }
  }
  auto r = s_.identity_resolution.resolve(caller, resolve);
  if (!r.ok()) return error_response(r.error());
  return Response::json(200, core::resolution_json(*r));
}

}  // namespace cleanroom::api::data
