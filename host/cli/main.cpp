// latchkey: the command-line face of liblatchkey.
//
//   latchkey [--config F] [--at SITE] [--set k=v]... [--plugin-dir D]... [-o text|json] [-v]
//   COMMAND
//
// Exit codes: 0 ok, 1 failure, 2 usage, 3 login required.
#include <csignal>
#include <iostream>

#include "provider/interaction.hpp"
#include "command.hpp"
#include "util/core_dumps.hpp"
#include "util/strings.hpp"

namespace latchkey::cli {

HostImpl& Context::host() {
    if (!host_) host_ = std::make_shared<HostImpl>(host_options);
    return *host_;
}

std::vector<std::string> Context::site_names(bool all) {
    if (!all) return {host().selected_site()};
    std::vector<std::string> out;
    for (auto& s : host().policy().sites) out.push_back(s.name);
    return out;
}

bool parse_command_options(Context& ctx, const std::string& name, const std::string& usage,
                           po::options_description& desc, po::variables_map& vm,
                           po::positional_options_description* positional) {
    desc.add_options()("help,h", "show this help");
    po::command_line_parser parser(ctx.args);
    parser.options(desc);
    if (positional) parser.positional(*positional);
    try {
        po::store(parser.run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(ErrorKind::usage,
                    name + ": " + e.what() + " (see `latchkey " + name + " --help`)");
    }
    if (vm.count("help")) {
        std::cout << "usage: latchkey [global options] " << usage << "\n\n" << desc << std::endl;
        return false;
    }
    return true;
}

namespace {

std::vector<Command> all_commands() {
    std::vector<Command> all;
    for (auto group : {provider_commands(), site_commands(), config_commands(), session_commands(),
                       storage_commands()})
        all.insert(all.end(), group.begin(), group.end());
    return all;
}

void print_help(const po::options_description& global) {
    std::cout << "latchkey " LATCHKEY_VERSION
                 " - credentials for the sites your programs call\n\n"
                 "usage: latchkey [global options] COMMAND [command options]\n\ncommands:\n";
    std::vector<std::vector<std::string>> rows;
    for (auto& c : all_commands()) rows.push_back({"  " + c.name, c.summary});
    print_table(rows);
    std::cout << "\n"
              << global << "\nexit codes: 0 ok, 1 failure, 2 usage, 3 login required\n"
              << "`latchkey COMMAND --help` shows a command's options." << std::endl;
}

void on_interrupt(int) {
    // First Ctrl-C: ask polls and sleeps to stop (nothing half-written is
    // stored); a second one ends the process at once.
    if (provider::cancelled().exchange(true)) std::_Exit(130);
}

int run(int argc, char** argv) {
    Context ctx;
    po::options_description global("global options");
    std::string format = "text";
    int verbosity = 0;
    global.add_options()(
        "config", po::value<std::string>(),
        "policy file (default: $LATCHKEY_CONFIG, then $XDG_CONFIG_HOME/latchkey/config.toml)")(
        "at", po::value<std::string>(), "site to use (default: $LATCHKEY_SITE, then default_site)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override an option: --set key=value (repeatable)")(
        "plugin-dir", po::value<std::vector<std::string>>()->composing(),
        "search this directory for provider plugins first (repeatable)")(
        "output,o", po::value<std::string>(&format)->default_value("text"),
        "output format: text or json")("verbose,v",
                                       "more detail on standard error (-vv for HTTP traces)")(
        "version", "print the version")("help,h", "show help");

    // -v, -vv, -v -v and --verbose are counted here; Program_options only
    // documents the switch (it would refuse a second occurrence).
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--verbose")
            ++verbosity;
        else if (a.size() >= 2 && a[0] == '-' && a.find_first_not_of('v', 1) == std::string::npos)
            verbosity += static_cast<int>(a.size()) - 1;
        else
            words.push_back(a);
    }
    po::variables_map vm;
    std::vector<std::string> rest;
    try {
        auto parsed = po::command_line_parser(words).options(global).allow_unregistered().run();
        po::store(parsed, vm);
        po::notify(vm);
        rest = po::collect_unrecognized(parsed.options, po::include_positional);
    } catch (const po::error& e) {
        throw Error(ErrorKind::usage, std::string(e.what()) + " (see `latchkey --help`)");
    }

    if (vm.count("version")) {
        std::cout << "latchkey " LATCHKEY_VERSION " (provider ABI " << LATCHKEY_ABI_MAJOR << "."
                  << LATCHKEY_ABI_MINOR << ")" << std::endl;
        return 0;
    }
    if (format != "text" && format != "json")
        throw Error(ErrorKind::usage, "-o " + format + ": use text or json");
    ctx.format = format == "json" ? Format::json : Format::text;
    if (vm.count("config")) ctx.host_options.config_path = vm["config"].as<std::string>();
    if (vm.count("at")) ctx.host_options.site = vm["at"].as<std::string>();
    if (vm.count("set")) ctx.host_options.sets = vm["set"].as<std::vector<std::string>>();
    if (vm.count("plugin-dir"))
        ctx.host_options.plugin_dirs = vm["plugin-dir"].as<std::vector<std::string>>();
    ctx.host_options.storage = "file";
    ctx.host_options.log_level = verbosity >= 2   ? LogLevel::debug
                                 : verbosity == 1 ? LogLevel::info
                                                  : LogLevel::warn;

    // The command is the longest run of leading words that names one.
    auto commands = all_commands();
    const Command* chosen = nullptr;
    size_t used = 0;
    for (auto& c : commands) {
        auto words = util::split(c.name, " ");
        if (words.size() > rest.size()) continue;
        if (std::equal(words.begin(), words.end(), rest.begin()) && words.size() > used)
            chosen = &c, used = words.size();
    }
    if (!chosen) {
        if (vm.count("help") || rest.empty()) {
            print_help(global);
            return rest.empty() && !vm.count("help") ? 2 : 0;
        }
        std::vector<std::string> names;
        for (auto& c : commands) names.push_back(c.name);
        std::string attempt = rest[0] + (rest.size() > 1 ? " " + rest[1] : "");
        std::string near = util::nearest(attempt, names);
        if (near.empty()) near = util::nearest(rest[0], names);
        throw Error(ErrorKind::usage,
                    "unknown command '" + attempt + "'" +
                        (near.empty() ? "" : "; did you mean `latchkey " + near + "`?") +
                        " (see `latchkey --help`)");
    }
    ctx.args.assign(rest.begin() + static_cast<long>(used), rest.end());
    if (vm.count("help")) ctx.args.push_back("--help");
    return chosen->run(ctx);
}

}  // namespace
}  // namespace latchkey::cli

int main(int argc, char** argv) {
    // Before anything is read: every command may hold a client secret, a
    // refresh token or a token, and a crash or a SIGABRT must not write them
    // to a core file.
    if (std::string why = latchkey::util::refuse_core_dumps(); !why.empty())
        std::cerr << "latchkey: warning: core dumps could not be turned off: " << why << std::endl;
    std::signal(SIGINT, latchkey::cli::on_interrupt);
    bool json = false;
    for (int i = 1; i + 1 < argc; ++i)
        if ((std::string(argv[i]) == "-o" || std::string(argv[i]) == "--output") &&
            std::string(argv[i + 1]) == "json")
            json = true;
    try {
        return latchkey::cli::run(argc, argv);
    } catch (const latchkey::Error& e) {
        std::cerr << "latchkey: " << latchkey::cli::display(e.what()) << std::endl;
        if (json) {
            latchkey::cli::Json j;
            j.w().StartObject();
            j.w().Key("error");
            j.w().StartObject();
            j.key_string("kind", latchkey::to_string(e.kind()));
            j.key_string("message", latchkey::cli::without_url_passwords(e.what()));
            j.key_int("exit_code", e.exit_code());
            j.w().EndObject();
            j.w().EndObject();
            j.print();
        }
        return e.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "latchkey: internal error: " << latchkey::cli::display(e.what()) << std::endl;
        return 1;
    }
}
