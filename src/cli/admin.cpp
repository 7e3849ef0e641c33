// `cleanroom admin ...`: operator commands that work directly on a data dir, also while the
// server runs (SQLite in WAL mode lets both write).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "core/admin_json.h"

namespace cleanroom::cli {
namespace {

struct AdminOptions {
  std::string data_dir = "./var";
  bool json = false;
};

// Opens the data dir, runs the action and prints its JSON (or the error) the same way for all.
int run(const AdminOptions& o, const std::function<Result<nlohmann::json>(core::Services&)>& action) {
  auto dir = open_data_dir(o.data_dir);
  Result<nlohmann::json> r = dir.ok() ? action(*(*dir)->services) : Result<nlohmann::json>(dir.error());
  if (!r.ok()) {
    if (o.json) std::cout << nlohmann::json{{"error", r.error().message}}.dump() << "\n";
    else std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
    return 1;
  }
  if (o.json) {
    std::cout << r->dump() << "\n";
  } else {
    for (const auto& [k, v] : r->items())
      std::cout << k << ": " << (v.is_string() ? v.get<std::string>() : v.dump()) << "\n";
  }
  return 0;
}

void common_options(CLI::App* cmd, AdminOptions& o) {
  cmd->add_option("--data-dir", o.data_dir, "The server's data dir")->capture_default_str();
  cmd->add_flag("--json", o.json, "Print JSON");
}

}  // namespace

void add_admin_commands(CLI::App& app) {
  auto* admin = app.add_subcommand("admin", "Operator commands: accounts, AMC accounts, users");
  admin->require_subcommand(1);

  auto* account = admin->add_subcommand("account", "AWS-style accounts (Clean Rooms principals)");
  account->require_subcommand(1);
  {
    struct O : AdminOptions { std::string id, name; };
    auto o = std::make_shared<O>();
    auto* c = account->add_subcommand("create", "Create an account and its access key");
    common_options(c, *o);
    c->add_option("--account-id", o->id, "12-digit account id")->required();
    c->add_option("--name", o->name, "Account name")->required();
    c->callback([o] {
      std::exit(run(*o, [&](core::Services& s) -> Result<nlohmann::json> {
        CR_ASSIGN(auto creds, s.accounts.create_account(o->id, o->name));
        return core::account_credentials_json(creds);
      }));
    });
  }

  auto* amc = admin->add_subcommand("amc-account", "AMC accounts (the Amazon-Advertising-API-AdvertiserId)");
  amc->require_subcommand(1);
  {
    struct O : AdminOptions { std::string name, marketplace = "ATVPDKIKX0DER"; };
    auto o = std::make_shared<O>();
    auto* c = amc->add_subcommand("create", "Create an AMC account");
    common_options(c, *o);
    c->add_option("--name", o->name, "Account name")->required();
    c->add_option("--marketplace-id", o->marketplace, "Marketplace id")->capture_default_str();
    c->callback([o] {
      std::exit(run(*o, [&](core::Services& s) -> Result<nlohmann::json> {
        CR_ASSIGN(auto a, s.accounts.create_amc_account(o->name, o->marketplace));
        return core::amc_account_json(a);
      }));
    });
  }

  auto* user = admin->add_subcommand("user", "Users of the AMC API and the console");
  user->require_subcommand(1);
  {
    struct O : AdminOptions { core::CreateUserRequest req; };
    auto o = std::make_shared<O>();
    auto* c = user->add_subcommand("create", "Create a user with roles and a bearer token");
    common_options(c, *o);
    c->add_option("--email", o->req.email, "Email (also the console sign-in)")->required();
    c->add_option("--amc-account", o->req.amc_account, "AMC account (advertiser id) to grant a role in");
    c->add_option("--role", o->req.amc_role, "Role in the AMC account: ADMIN or USER")->capture_default_str();
    c->add_option("--aws-account", o->req.aws_account, "Account to grant a role in");
    c->add_option("--aws-role", o->req.aws_role, "Role in the account: ADMIN or USER")->capture_default_str();
    c->add_option("--password", o->req.password, "Console password (at least 8 characters)");
    c->callback([o] {
      std::exit(run(*o, [&](core::Services& s) -> Result<nlohmann::json> {
        CR_ASSIGN(auto u, s.accounts.create_user(o->req));
        return core::new_user_json(u);
      }));
    });
  }
}

}  // namespace cleanroom::cli
