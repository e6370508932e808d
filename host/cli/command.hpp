// What every `latchkey` command receives, and the table of commands.
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host_impl.hpp"
#include "output.hpp"

namespace latchkey::cli {

namespace po = boost::program_options;

struct Context {
    HostOptions host_options;
    Format format = Format::text;
    std::vector<std::string> args;  // the command's own arguments
    std::string program = "latchkey";

    // Opens the host lazily: `providers list` must work without a policy.
    HostImpl& host();
    // Every site of the policy when `all`, else the selected one.
    std::vector<std::string> site_names(bool all);

 private:
    std::shared_ptr<HostImpl> host_;
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

// Parses a command's own options; prints its help and returns false on --help.
bool parse_command_options(Context& ctx, const std::string& name, const std::string& usage,
                           po::options_description& desc, po::variables_map& vm,
                           po::positional_options_description* positional = nullptr);

}  // namespace latchkey::cli
