// `cleanroom upload`: a party's file into one of its datasets, working on the data dir directly
// like `cleanroom admin` (SQLite in WAL mode lets it write while the server runs).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/option_checks.h"

namespace cleanroom::cli {
namespace {

struct UploadOptions {
  std::string data_dir = "./var";
  std::string catalog;  // "": DATA_DIR/meta.db
  std::string account;
  std::string table;  // DB.TABLE
  std::string format;
  std::string columns;
  std::string pii;
  std::string country = "US";
  std::string bucket;
  BucketOptions buckets;
  std::string file;
  bool json = false;
};

std::atomic<bool> interrupted = false;

Result<core::UploadRequest> upload_request(const UploadOptions& o) {
  core::UploadRequest req;
  TableName table = *parse_table_name(o.table);  // checked while parsing, as --format is
  req.database_name = table.database;
  req.table_name = table.table;
  req.source_path = o.file;
  std::string format = o.format;
  if (format.empty()) {  // from the file's extension, CSV when it says nothing
    std::string ext = std::filesystem::path(o.file).extension().string();
    format = ext == ".parquet"                       ? "parquet"
             : (ext == ".jsonl" || ext == ".ndjson") ? "jsonl"
                                                     : "csv";
  }
  req.format = *data::file_format_from_name(format);
  CR_ASSIGN(req.columns, core::parse_columns_spec(o.columns));
  CR_ASSIGN(req.pii, core::parse_pii_spec(o.pii));
  req.country = o.country;
  return req;
}

// A bar redrawn in place on a terminal; a line per tenth otherwise (logs, CI).
data::ProgressCallback progress_printer(bool* drew) {
  bool tty = ::isatty(STDERR_FILENO);
  auto last_tenth = std::make_shared<int>(-1);
  return [tty, drew, last_tenth](const data::IngestProgress& p) {
    // A small file is done before the first report: nothing to show.
    if (p.fraction >= 1.0 && *last_tenth < 0 && !*drew) return true;
    double mb_done = p.bytes_done / 1e6, mb_total = p.bytes_total / 1e6;
    int percent = static_cast<int>(p.fraction * 100);
    if (tty) {
      constexpr int kWidth = 30;
      int filled = percent * kWidth / 100;
      std::fprintf(stderr, "\r[%s%s] %3d%% %.1f/%.1f MB", std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, '-').c_str(), percent, mb_done, mb_total);
      *drew = true;
    } else if (percent / 10 > *last_tenth) {
      *last_tenth = percent / 10;
      std::fprintf(stderr, "upload: %d%% (%.1f of %.1f MB)\n", percent, mb_done, mb_total);
    }
    std::fflush(stderr);
    return !interrupted.load();
  };
}

int upload(const UploadOptions& o) {
  auto fail = [&](const Error& e) {
    if (o.json)
      std::cout << nlohmann::json{{"error", e.message}}.dump() << "\n";
    else
      std::fprintf(stderr, "error: %s\n", e.message.c_str());
    return 1;
  };
  auto s3 = s3_config(o.buckets);
  if (!s3.ok()) {  // a malformed option, refused as serve refuses it
    std::fprintf(stderr, "error: %s\n", s3.error().message.c_str());
    return 2;
  }
  auto req = upload_request(o);
  if (!req.ok()) return fail(req.error());
  auto dir = open_data_dir(o.data_dir, o.catalog, *s3);
  if (!dir.ok()) return fail(dir.error());
  bool drew = false;
  req->progress = progress_printer(&drew);
  // Ctrl-C cancels the copy cleanly: the staged file is removed and nothing is committed.
  ::signal(SIGINT, [](int) { interrupted = true; });
  auto& datasets = (*dir)->services->datasets;
  auto d = o.bucket.empty() ? datasets.upload(o.account, *req)
                            : datasets.register_from_bucket(o.account, o.bucket, o.file, *req);
  if (drew) std::fprintf(stderr, "\n");
  if (!d.ok()) return fail(d.error());
  nlohmann::json record = core::dataset_json(*d);
  if (o.json) {
    std::cout << record.dump() << "\n";
  } else {
    for (const auto& [k, v] : record.items())
      std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  }
  return 0;
}

}  // namespace

void add_upload_command(CLI::App& app) {
  auto o = std::make_shared<UploadOptions>();
  auto* cmd = app.add_subcommand(
      "upload", "Upload a CSV, Parquet or JSON-lines file as a new version of a dataset");
  cmd->add_option("--data-dir", o->data_dir, "The server's data dir")->capture_default_str();
  add_catalog_option(*cmd, o->catalog);
  cmd->add_option("--account", o->account, "The owning account (12 digits)")->required();
  cmd->add_option("--table", o->table, "DATABASE.TABLE")->required()->check(table_name());
  cmd->add_option("--format", o->format,
                  "csv, parquet or jsonl (default: from the file's extension)")
      ->check(file_format());
  cmd->add_option("--columns", o->columns, "Declared schema: name:TYPE,... (default: inferred)");
  cmd->add_option(
      "--pii", o->pii, "Identity columns to normalise and hash: column:type,... (types: " + [] {
        std::string s;
        for (const auto& n : data::pii_type_names()) s += (s.empty() ? "" : ", ") + n;
        return s;
      }() + ")");
  cmd->add_option("--country", o->country,
                  "Country whose address, state and postal code rules apply")
      ->capture_default_str()
      ->check(country());
  cmd->add_option("--bucket", o->bucket,
                  "Read FILE as a key of this bucket (DATA_DIR/buckets/BUCKET, or the bucket at "
                  "--s3-endpoint)");
  add_bucket_options(*cmd, o->buckets);
  cmd->add_flag("--json", o->json, "Print the dataset record as JSON");
  cmd->add_option("FILE", o->file, "The file to upload (or the key, with --bucket)")->required();
  cmd->callback([o] { std::exit(upload(*o)); });
}

}  // namespace cleanroom::cli
