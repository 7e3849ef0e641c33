// `cleanroom match`: a party's dataset matched against the platform identity table
// (docs/identity.md, "Matching"), working on the data dir directly like `cleanroom upload`.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/option_checks.h"

namespace cleanroom::cli {
namespace {

struct MatchOptions {
  std::string data_dir = "./var";
  std::string catalog;  // "": DATA_DIR/meta.db
  std::string account;
  std::string table;           // DB.TABLE
  std::string platform_table;  // DB.TABLE of the Advertising Data Provider
  std::string into;            // DB.TABLE
  BucketOptions buckets;       // the dataset store's endpoint, when the catalog keeps one
};

int match(const MatchOptions& o) {
  auto fail = [](const Error& e) {
    std::cout << nlohmann::json{{"error", e.message}}.dump() << "\n";
    return 1;
  };
  auto split = [](const std::string& text, std::string* database, std::string* table) {
    TableName name = *parse_table_name(text);  // checked while parsing
    *database = name.database;
    *table = name.table;
  };
  core::ResolveRequest req;
  split(o.table, &req.database_name, &req.table_name);
  if (!o.platform_table.empty())
    split(o.platform_table, &req.platform_database, &req.platform_table);
  if (!o.into.empty()) split(o.into, &req.into_database, &req.into_table);
  auto s3 = s3_config(o.buckets);
  if (!s3.ok()) {  // a malformed option, refused as serve and upload refuse it
    std::fprintf(stderr, "error: %s\n", s3.error().message.c_str());
    return 2;
  }
  auto dir = open_data_dir(o.data_dir, o.catalog, *s3);
  if (!dir.ok()) return fail(dir.error());
  auto r = (*dir)->services->identity_resolution.resolve(o.account, req);
  if (!r.ok()) return fail(r.error());
  std::cout << core::resolution_json(*r).dump() << "\n";
  return 0;
}

}  // namespace

void add_match_command(CLI::App& app) {
  auto o = std::make_shared<MatchOptions>();
  auto* cmd = app.add_subcommand(
      "match",
      "Resolve a dataset's identities against the platform identity table (email, then phone, "
      "then name and postal code) into a new dataset; prints the match statistics as JSON");
  cmd->add_option("--data-dir", o->data_dir, "The server's data dir")->capture_default_str();
  add_catalog_option(*cmd, o->catalog);
  cmd->add_option("--account", o->account, "The account owning the table (12 digits)")->required();
  cmd->add_option("--table", o->table, "DATABASE.TABLE to resolve")
      ->required()
      ->check(table_name());
  cmd->add_option("--platform-table", o->platform_table,
                  "DATABASE.TABLE of the Advertising Data Provider's identities (default: " +
                      std::string(core::kPlatformDatabase) + "." + core::kPlatformIdentityTable +
                      ")")
      ->check(table_name());
  cmd->add_option("--into", o->into,
                  "DATABASE.TABLE to write (default: the same database, TABLE_resolved)")
      ->check(table_name());
  // Several nodes (docs/deployment.md): both datasets are in the store's bucket.
  add_bucket_options(*cmd, o->buckets);
  cmd->callback([o] { std::exit(match(*o)); });
}

}  // namespace cleanroom::cli
