// What every `latchkey` command receives, and the table of commands.
//
// The program uses the public API and the administrative interface
// (latchkey/admin.hpp) only: host/src is not on its include path.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <latchkey/admin.hpp>
#include <latchkey/error.hpp>
#include <memory>
#include <string>
#include <vector>

#include "output.hpp"

namespace latchkey::cli {

namespace po = boost::program_options;

struct Context {
    HostOptions host_options;
    Format format = Format::text;
    std::vector<std::string> args;  // the command's own arguments
    std::string program = "latchkey";

    // Opened lazily, from host_options as they are then: `providers list`
    // must work without a policy, and `login` makes the host interactive.
    admin::Admin& admin();
    // The rule of every command that acts on sites: the selected site
    // (--at, LATCHKEY_SITE, default_site, the only site), or with `all`
    // every site of the policy.
    std::vector<std::string> site_names(bool all);

 private:
    std::unique_ptr<admin::Admin> admin_;
};

struct Command {
    std::string name;     // "providers list"
    std::string summary;  // one line for --help
    std::function<int(Context&)> run;
};

std::vector<Command> provider_commands();
std::vector<Command> site_commands();
std::vector<Command> config_commands();
std::vector<Command> session_commands();
std::vector<Command> storage_commands();
// Credential helpers of other tools (one file each: cmd_*_credential.cpp).
std::vector<Command> git_credential_commands();
std::vector<Command> docker_credential_commands();
std::vector<Command> kube_credential_commands();
std::vector<Command> aws_credential_commands();
// Doors for other programs: `exec` (cmd_exec.cpp) and `curl` (cmd_curl.cpp).
Command exec_command();
Command curl_command();
std::vector<Command> agent_commands();

// Adds `--all` (every site of the policy rather than the selected one) to a
// command's options.
void add_all_option(po::options_description& desc);

// Parses a command's own options; prints its help and returns false on --help.
bool parse_command_options(Context& ctx, const std::string& name, const std::string& usage,
                           po::options_description& desc, po::variables_map& vm,
                           po::positional_options_description* positional = nullptr);

}  // namespace latchkey::cli
