// cleanroom: a self-hostable data clean room. See README.md.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"cleanroom: a self-hostable data clean room"};
  app.require_subcommand(1);
  cleanroom::cli::add_serve_command(app);
  cleanroom::cli::add_admin_commands(app);
  cleanroom::cli::add_upload_command(app);
  cleanroom::cli::add_match_command(app);
  cleanroom::cli::add_generate_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A malformed command line exits 2, as with getopt tools; --help still exits 0.
    return app.exit(e) == 0 ? 0 : 2;
  }
  return 0;
}
