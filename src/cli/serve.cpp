#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

#include "api/server.h"
#include "cli/commands.h"
#include "cli/data_dir.h"

namespace cleanroom::cli {
namespace {

struct ServeOptions {
  std::string data_dir = "./var";
  std::string listen = "127.0.0.1:8080";
  int threads = 8;
  bool demo = false;
  BucketOptions buckets;
};

int serve(const ServeOptions& o) {
  auto colon = o.listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "error: --listen must be HOST:PORT, not '%s'\n", o.listen.c_str());
    return 2;
  }
  api::ServerOptions server_options;
  server_options.host = o.listen.substr(0, colon);
  server_options.port = std::atoi(o.listen.c_str() + colon + 1);
  server_options.threads = o.threads;

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
  auto dir = open_data_dir(o.data_dir, *s3);
  if (!dir.ok()) {
    std::fprintf(stderr, "error: %s\n", dir.error().message.c_str());
    return 1;
  }
  // Only the server ends what a previous server left running; other commands open the data dir
  // while a server may be running.
  if (Status s = (*dir)->services->protected_queries.fail_interrupted_queries(); !s.ok()) {
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
  std::printf("cleanroom listening on %s\n", endpoint.c_str());
  std::printf("  data dir:    %s\n", (*dir)->path.c_str());
  std::printf("  credentials: %s (operator token and platform account keys; mode 0600)\n",
              (*dir)->credentials_path().c_str());
  std::printf("  buckets:     %s\n", (*dir)->buckets_description.c_str());
  std::printf("  region:      us-east-1\n");
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  });
  server.run();
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
  cmd->add_option("--data-dir", opts->data_dir, "Where metadata, datasets and buckets live")->capture_default_str();
  cmd->add_option("--listen", opts->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->capture_default_str();
  cmd->add_option("--threads", opts->threads, "HTTP worker threads")->capture_default_str();
  cmd->add_flag("--demo", opts->demo,
                 "On first start, generate and load the platform's demo tables and an advertiser's "
                 "CRM file (DATA_DIR/demo)");
  add_bucket_options(*cmd, opts->buckets);
  cmd->callback([opts] { std::exit(serve(*opts)); });
}

}  // namespace cleanroom::cli
