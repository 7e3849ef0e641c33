#pragma once
// `cleanroom` subcommands; each adds itself to the CLI11 app.
#include <CLI/CLI.hpp>

namespace cleanroom::cli {

void add_serve_command(CLI::App& app);
void add_admin_commands(CLI::App& app);
void add_upload_command(CLI::App& app);
void add_match_command(CLI::App& app);
void add_generate_command(CLI::App& app);

}  // namespace cleanroom::cli
