// `cleanroom admin ...`: operator commands that work directly on a data dir, also while the
// server runs (SQLite in WAL mode lets both write).
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/option_checks.h"
#include "core/admin_json.h"

namespace cleanroom::cli {
namespace {

struct AdminOptions {
  std::string data_dir = "./var";
  std::string catalog;  // "": DATA_DIR/meta.db
  bool json = false;
};

// Opens the data dir, runs the action and prints its JSON (or the error) the same way for all.
int run(const AdminOptions& o, const std::function<Result<nlohmann::json>(core::Services&)>& action,
        const std::optional<delivery::S3Config>& s3 = std::nullopt) {
  auto dir = open_data_dir(o.data_dir, o.catalog, s3);
  Result<nlohmann::json> r =
      dir.ok() ? action(*(*dir)->services) : Result<nlohmann::json>(dir.error());
  if (!r.ok()) {
    if (o.json)
      std::cout << nlohmann::json{{"error", r.error().message}}.dump() << "\n";
    else
      std::fprintf(stderr, "error: %s\n", r.error().message.c_str());
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
  add_catalog_option(*cmd, o.catalog);
  cmd->add_flag("--json", o.json, "Print JSON");
}

}  // namespace

void add_admin_commands(CLI::App& app) {
  auto* admin = app.add_subcommand("admin", "Operator commands: accounts, AMC accounts, users");
  admin->require_subcommand(1);

  auto* account = admin->add_subcommand("account", "AWS-style accounts (Clean Rooms principals)");
  account->require_subcommand(1);
  {
    struct O : AdminOptions {
      std::string id, name;
    };
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

  auto* amc = admin->add_subcommand("amc-account",
                                    "AMC accounts (the Amazon-Advertising-API-AdvertiserId)");
  amc->require_subcommand(1);
  {
    struct O : AdminOptions {
      std::string name, marketplace = "ATVPDKIKX0DER";
    };
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
  {
    // Which platform advertisers (advertiser_id in the platform tables) the account owns: its
    // instances may add only these, and read only their rows (docs/platform-tables.md).
    struct O : AdminOptions {
      std::string amc_account;
      int64_t advertiser_id = 0;
    };
    auto link = std::make_shared<O>();
    auto* c = amc->add_subcommand("link-advertiser", "Give the AMC account a platform advertiser");
    common_options(c, *link);
    c->add_option("--amc-account", link->amc_account, "AMC account (advertiser id)")->required();
    c->add_option("--advertiser-id", link->advertiser_id, "The platform tables' advertiser_id")
        ->required()
        ->check(positive_number());
    c->callback([link] {
      std::exit(run(*link, [&](core::Services& s) -> Result<nlohmann::json> {
        CR_TRY(s.platform_advertisers.link(link->amc_account, link->advertiser_id));
        CR_ASSIGN(auto ids, s.platform_advertisers.of_account(link->amc_account));
        return core::platform_advertisers_json(link->amc_account, ids);
      }));
    });
    auto unlink = std::make_shared<O>();
    c = amc->add_subcommand("unlink-advertiser", "Take a platform advertiser from the AMC account");
    common_options(c, *unlink);
    c->add_option("--amc-account", unlink->amc_account, "AMC account (advertiser id)")->required();
    c->add_option("--advertiser-id", unlink->advertiser_id, "The platform tables' advertiser_id")
        ->required()
        ->check(positive_number());
    c->callback([unlink] {
      std::exit(run(*unlink, [&](core::Services& s) -> Result<nlohmann::json> {
        CR_TRY(s.platform_advertisers.unlink(unlink->amc_account, unlink->advertiser_id));
        CR_ASSIGN(auto ids, s.platform_advertisers.of_account(unlink->amc_account));
        return core::platform_advertisers_json(unlink->amc_account, ids);
      }));
    });
  }

  // Buckets have owners (core/buckets.h): only the operator gives an account a bucket.
  auto* bucket = admin->add_subcommand("bucket", "Buckets and the accounts that own them");
  bucket->require_subcommand(1);
  {
    struct O : AdminOptions {
      std::string account, name;
      BucketOptions buckets;
    };
    auto o = std::make_shared<O>();
    auto* c = bucket->add_subcommand(
        "create",
        "Give a bucket to an account: creates it (a folder under DATA_DIR/buckets, or on "
        "--s3-endpoint) unless it exists, and records the account as its owner");
    common_options(c, *o);
    c->add_option("--account", o->account, "The owning account (12-digit account id)")->required();
    c->add_option("--name", o->name, "The bucket name")->required();
    add_bucket_options(*c, o->buckets);
    c->callback([o] {
      auto s3 = s3_config(o->buckets);
      if (!s3.ok()) {
        std::fprintf(stderr, "error: %s\n", s3.error().message.c_str());
        std::exit(2);
      }
      std::exit(run(
          *o,
          [&](core::Services& s) -> Result<nlohmann::json> {
            CR_ASSIGN(auto b, s.buckets.create(o->account, o->name));
            return core::bucket_json(b);
          },
          *s3));
    });
    auto l = std::make_shared<AdminOptions>();
    c = bucket->add_subcommand("list", "Every owned bucket and its owner");
    common_options(c, *l);
    c->callback([l] {
      std::exit(run(*l, [&](core::Services& s) -> Result<nlohmann::json> {
        CR_ASSIGN(auto all, s.buckets.list());
        nlohmann::json out = nlohmann::json::array();
        for (const auto& b : all) out.push_back(core::bucket_json(b));
        return nlohmann::json{{"buckets", out}};
      }));
    });
  }

  // Difference checks are on for every collaboration (docs/difference-checks.md); the operator
  // may turn them off for one, and on again.
  auto* collaboration =
      admin->add_subcommand("collaboration", "Operator settings of a collaboration");
  collaboration->require_subcommand(1);
  {
    struct O : AdminOptions {
      std::string id, state;
    };
    auto o = std::make_shared<O>();
    auto* c = collaboration->add_subcommand(
        "difference-checks",
        "Turn difference checks on or off for a collaboration; queries "
        "started afterwards follow the switch");
    common_options(c, *o);
    c->add_option("--collaboration", o->id, "Collaboration id, or the id of its AMC instance")
        ->required();
    c->add_option("state", o->state, "on or off")->required()->check(CLI::IsMember({"on", "off"}));
    c->callback([o] {
      std::exit(run(*o, [&](core::Services& s) {
        return s.collaborations.set_difference_checks(o->id, o->state == "on");
      }));
    });
  }

  auto* user = admin->add_subcommand("user", "Users of the AMC API and the console");
  user->require_subcommand(1);
  {
    struct O : AdminOptions {
      core::CreateUserRequest req;
    };
    auto o = std::make_shared<O>();
    auto* c = user->add_subcommand("create", "Create a user with roles and a bearer token");
    common_options(c, *o);
    c->add_option("--email", o->req.email, "Email (also the console sign-in)")->required();
    c->add_option("--amc-account", o->req.amc_account,
                  "AMC account (advertiser id) to grant a role in");
    c->add_option("--role", o->req.amc_role, "Role in the AMC account: ADMIN or USER")
        ->capture_default_str()
        ->check(CLI::IsMember({"ADMIN", "USER"}));
    c->add_option("--aws-account", o->req.aws_account, "Account to grant a role in");
    c->add_option("--aws-role", o->req.aws_role, "Role in the account: ADMIN or USER")
        ->capture_default_str()
        ->check(CLI::IsMember({"ADMIN", "USER"}));
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
