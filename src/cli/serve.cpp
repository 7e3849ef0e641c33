#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <limits>
#include <regex>
#include <thread>

#include "api/server.h"
#include "cli/commands.h"
#include "cli/data_dir.h"
#include "cli/option_checks.h"
#include "common/logging.h"
#include "core/dataset_files.h"
#include "core/demo_data.h"
#include "core/node_presence.h"

namespace cleanroom::cli {
namespace {

struct ServeOptions {
  std::string data_dir = "./var";
  std::string catalog;  // "": DATA_DIR/meta.db
  std::string listen = "127.0.0.1:8080";
  std::vector<std::string> public_hosts;  // answered besides the loopback names
  int threads = 8;
  bool demo = false;
  BucketOptions buckets;
  std::string dataset_bucket;  // "": datasets in DATA_DIR only (one node)
  core::QueryLimits queries;
  core::UploadJobLimits uploads;
  int64_t query_timeout_s = 30 * 60;
  std::string clock_start;  // "": the system clock
  std::string log_format = "text";
};

// The limits the protected queries run under, checked before anything starts.
Status check_query_limits(const core::QueryLimits& q) {
  if (q.workers < 1 || q.workers > 64)
    return Error::validation("--query-workers must be between 1 and 64");
  if (q.threads_per_query < 1 || q.threads_per_query > 256)
    return Error::validation("--query-threads must be between 1 and 256");
  static const std::regex size(R"(^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$)",
                               std::regex::icase);
  if (!std::regex_match(q.memory_limit, size))
    return Error::validation("--query-memory must be a size such as 512MB or 4GB, not '" +
                             q.memory_limit + "'");
  if (!std::regex_match(q.spill_limit, size))
    return Error::validation("--query-spill must be a size such as 2GB or 16GB, not '" +
                             q.spill_limit + "'");
  if (q.timeout_ms < 1000) return Error::validation("--query-timeout must be at least 1 second");
  if (q.queued < 1) return Error::validation("--query-queue must be at least 1");
  if (q.executions_per_instance < 1)
    return Error::validation("--executions-per-instance must be at least 1");
  return {};
}

int serve(const ServeOptions& o) {
  logging::configure(*logging::log_format_named(o.log_format));  // checked while parsing
  HostPort listen = *parse_host_port(o.listen);  // checked while parsing, as --public-host is
  api::ServerOptions server_options;
  server_options.host = listen.host;
  server_options.port = listen.port;
  server_options.threads = o.threads;
  server_options.public_hosts = o.public_hosts;

  // Block the stop signals in every thread; one thread waits for them and stops the server.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto s3 = s3_config(o.buckets);
  if (!s3.ok()) {
    std::fprintf(stderr, "error: %s\n", s3.error().message.c_str());
    return 2;
  }
  core::QueryLimits limits = o.queries;
  if (o.query_timeout_s > std::numeric_limits<int64_t>::max() / 1000) {
    std::fprintf(stderr, "error: --query-timeout is too large: %lld s\n",
                 static_cast<long long>(o.query_timeout_s));
    return 2;
  }
  limits.timeout_ms = o.query_timeout_s * 1000;
  if (Status s = check_query_limits(limits); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 2;
  }
  auto dir = open_data_dir(o.data_dir, o.catalog, *s3, limits, o.uploads);
  if (!dir.ok()) {
    std::fprintf(stderr, "error: %s\n", dir.error().message.c_str());
    return 1;
  }
  if (!o.dataset_bucket.empty()) {
    Status used =
        *s3 ? core::use_dataset_store(*(*dir)->ctx, (*dir)->ctx->buckets, o.dataset_bucket)
            : Status(Error::validation("--dataset-bucket needs --s3-endpoint"));
    if (!used.ok()) {
      std::fprintf(stderr, "error: %s\n", used.error().message.c_str());
      return 2;
    }
  }
  // Only the server clears what a previous server left staged; other commands open the data dir
  // while a server may be running. What it left running is taken over or failed by the beats
  // (core/node_presence.h).
  if (Status s = (*dir)->services->protected_queries.clear_result_staging(); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 1;
  }
  auto& services = *(*dir)->services;
  api::Server server(services, server_options);
  if (Status s = server.bind(); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 1;
  }
  std::string endpoint = "http://" + server_options.host + ":" + std::to_string(server.port());
  if (Status s = write_credentials_file(**dir, endpoint); !s.ok()) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 1;
  }
  // After the platform's accounts exist (write_credentials_file): tables loaded into a data dir
  // from before publication existed are published now (core/platform_tables.h).
  if (auto p = services.platform_tables.publish(); !p.ok()) {
    std::fprintf(stderr, "error: %s\n", p.error().message.c_str());
    return 1;
  }
  if (o.demo) {
    auto demo =
        core::ensure_demo_data(services.ctx, services.datasets, {}, [](const std::string& line) {
          std::printf("%s\n", line.c_str());
          std::fflush(stdout);
        });
    if (!demo.ok()) {
      std::fprintf(stderr, "error: demo data: %s\n", demo.error().message.c_str());
      return 1;
    }
  }
  // AMC schedules run on their own thread, on the system clock unless told to start elsewhere.
  if (!o.clock_start.empty())
    services.workflows.set_clock(
        std::make_shared<core::OffsetClock>(*core::parse_civil_time(o.clock_start)));
  core::WorkflowScheduler scheduler(services.workflows);
  scheduler.add_task([&services] {
    if (auto r = services.amc_audiences.run_due_refreshes(); !r.ok())
      spdlog::warn("audience refreshes: {}", r.error().message);
  });
  // Several nodes: this node's cached copies of files no catalog row names any more (older
  // versions, deleted data sets and users' deletions done elsewhere) go within the hour; the
  // hour lets a query still reading an older version finish.
  scheduler.add_task([&services, last = std::chrono::steady_clock::time_point()]() mutable {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < std::chrono::minutes(5)) return;
    last = now;
    if (auto r = core::sweep_cache(services.ctx, 3600); !r.ok())
      spdlog::warn("dataset cache sweep: {}", r.error().message);
    else if (*r > 0)
      spdlog::info("dataset cache sweep: removed {} files no catalog row names", *r);
  });
  scheduler.start();
  // This node's beat in the catalog, and its taking over the queries of nodes that stopped.
  core::NodePresence presence(services);
  std::printf("cleanroom listening on %s\n", endpoint.c_str());
  std::string hosts;
  for (const auto& h : server.hosts().names()) hosts += (hosts.empty() ? "" : ", ") + h;
  std::printf(
      "  hosts:       %s (any other Host header is refused; add names with --public-host)\n",
      hosts.c_str());
  std::printf("  data dir:    %s\n", (*dir)->path.c_str());
  std::printf("  catalog:     %s\n", (*dir)->catalog_description.c_str());
  std::printf("  credentials: %s (operator token and platform account keys; mode 0600)\n",
              (*dir)->credentials_path().c_str());
  std::printf("  buckets:     %s\n", (*dir)->buckets_description.c_str());
  if (services.ctx.dataset_store)
    std::printf("  datasets:    bucket %s of the S3 endpoint, cached in %s/datasets\n",
                services.ctx.dataset_bucket.c_str(), (*dir)->path.c_str());
  else
    std::printf("  datasets:    %s/datasets\n", (*dir)->path.c_str());
  std::printf(
      "  queries:     %d at a time, %d threads and %s of memory each, stopped after %lld s\n",
      limits.workers, limits.threads_per_query, limits.memory_limit.c_str(),
      static_cast<long long>(o.query_timeout_s));
  std::printf("  spill:       %s per query at most, in %s/tmp (%d queries at a time)\n",
              limits.spill_limit.c_str(), (*dir)->path.c_str(), limits.workers);
  std::printf("  admission:   %d queries waiting at most, %d executions per AMC instance\n",
              limits.queued, limits.executions_per_instance);
  std::printf("  uploads:     %d at a time, %d waiting at most, %d per account\n",
              o.uploads.workers, o.uploads.queue, o.uploads.per_account);
  std::printf(
      "  node:        %s (beats in the catalog every 2 s; takes over the queries of nodes "
      "silent for 10 s)\n",
      services.ctx.node_id.c_str());
  std::printf("  region:      us-east-1\n");
  std::printf("  logs:        %s on stdout; GET /metrics for the operator's token\n",
              o.log_format.c_str());
  if (!o.clock_start.empty())
    std::printf("  clock:       AMC time windows and schedules started at %s (--clock-start)\n",
                o.clock_start.c_str());
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  });
  server.run();
  scheduler.stop();
  presence.stop();
  // run() also returns when the listener fails; wake the waiter so it can be joined.
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  std::printf("cleanroom stopped\n");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto opts = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Start the server (AMC API, Clean Rooms API)");
  cmd->add_option("--data-dir", opts->data_dir, "Where metadata, datasets and buckets live")
      ->capture_default_str();
  add_catalog_option(*cmd, opts->catalog);
  cmd->add_option("--listen", opts->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str()
      ->check(host_port());
  cmd->add_option("--threads", opts->threads, "HTTP worker threads")
      ->capture_default_str()
      ->check(positive_number());
  cmd->add_option("--public-host", opts->public_hosts,
                  "A host name the server answers for besides localhost, 127.0.0.1 and [::1] "
                  "(repeatable); requests naming any other Host are refused with 421")
      ->check(public_host());
  cmd->add_flag("--demo", opts->demo,
                "On first start, generate and load the platform's demo tables and an advertiser's "
                "CRM file (DATA_DIR/demo)");
  cmd->add_option("--query-workers", opts->queries.workers,
                  "Protected queries that run at once (the rest wait)")
      ->capture_default_str();
  cmd->add_option("--query-threads", opts->queries.threads_per_query, "Engine threads of one query")
      ->capture_default_str();
  cmd->add_option("--query-memory", opts->queries.memory_limit,
                  "Memory limit of one query (e.g. 4GB)")
      ->capture_default_str();
  cmd->add_option("--query-spill", opts->queries.spill_limit,
                  "Temporary disk one query may fill when it outgrows its memory (e.g. 16GB); "
                  "one that needs more ends FAILED")
      ->capture_default_str();
  cmd->add_option("--query-timeout", opts->query_timeout_s,
                  "Seconds after which a query is TIMED_OUT")
      ->capture_default_str();
  cmd->add_option("--query-queue", opts->queries.queued,
                  "Protected queries that may wait to run; more are refused (429)")
      ->capture_default_str();
  cmd->add_option("--executions-per-instance", opts->queries.executions_per_instance,
                  "AMC workflow executions one instance may have pending or running; more are "
                  "refused (429)")
      ->capture_default_str();
  cmd->add_option("--uploads", opts->uploads.workers, "Uploads ingested at once (the rest wait)")
      ->capture_default_str()
      ->check(positive_number());
  cmd->add_option("--upload-queue", opts->uploads.queue,
                  "Uploads that may wait; more are refused (429)")
      ->capture_default_str()
      ->check(positive_number());
  cmd->add_option("--uploads-per-account", opts->uploads.per_account,
                  "Uploads one account may have waiting or running; more are refused (429)")
      ->capture_default_str()
      ->check(positive_number());
  cmd->add_option("--clock-start", opts->clock_start,
                  "For tests and demos: AMC time windows and schedules read a clock that starts at "
                  "this UTC time (yyyy-MM-ddTHH:mm:ssZ) and runs from there; everything else keeps "
                  "the system clock")
      ->check(utc_time());
  cmd->add_option("--log-format", opts->log_format,
                  "text, or json: one JSON object per log line (time, level, requestId, message, "
                  "and a request's method, path, status, ms, face, operation)")
      ->capture_default_str()
      ->check(log_format());
  add_bucket_options(*cmd, opts->buckets);
  cmd->add_option("--dataset-bucket", opts->dataset_bucket,
                  "Several nodes: a bucket of --s3-endpoint that holds every dataset, written once "
                  "and cached by each node in DATA_DIR/datasets (docs/deployment.md); recorded in "
                  "the catalog, so that no account can be given it; default: datasets live in "
                  "DATA_DIR only");
  cmd->callback([opts] { std::exit(serve(*opts)); });
}

}  // namespace cleanroom::cli
