// latchkey: the command-line face of liblatchkey.
//
//   latchkey [--config F] [--at SITE] [--set k=v]... [--plugin-dir D]... [-o text|json] [-v]
//   COMMAND
//
// One rule for every command: a global option means the same under each;
// a command acts on the selected site unless given --all.
// Exit codes: 0 ok, 1 failure, 2 usage, 3 login required.
#include <latchkey/provider.h>

#include <csignal>
#include <iostream>

#include "colour.hpp"
#include "command.hpp"

namespace latchkey::cli {

admin::Admin& Context::admin() {
    if (!admin_) {
        // The program asks a running agent itself (agent_use.hpp) before it
        // opens this host, which therefore works alone.
        HostOptions alone = host_options;
        alone.ask_agent = false;
        admin_ = std::make_unique<admin::Admin>(std::move(alone));
        admin_->on_warning(
            [](const std::string& w) { std::cerr << warning_prefix() << display(w) << std::endl; });
    }
    return *admin_;
}

std::vector<std::string> Context::site_names(bool all) {
    if (all) return admin().sites();
    try {
        return {admin().selected_site()};
    } catch (const Error& e) {
        // Several sites and none chosen: the command could also take them all.
        if (e.kind() != ErrorKind::usage) throw;
        throw Error(e.kind(), std::string(e.what()) + ", or give --all for every site");
    }
}

void add_all_option(po::options_description& desc) {
    desc.add_options()("all", "every site of the policy, not only the selected one");
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
        // --help before notify(): it checks required options, which a
        // request for help need not give (`storage migrate --help`).
        if (vm.count("help")) {
            std::cout << "usage: latchkey [global options] " << usage << "\n\n"
                      << desc << std::endl;
            return false;
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(ErrorKind::usage,
                    name + ": " + e.what() + " (see `latchkey " + name + " --help`)");
    }
    return true;
}

namespace {

std::vector<Command> all_commands() {
    std::vector<Command> all;
    for (auto group : {provider_commands(), site_commands(), config_commands(), session_commands(),
                       storage_commands(), git_credential_commands(), docker_credential_commands(),
                       kube_credential_commands(), aws_credential_commands(),
                       agent_commands()})
        all.insert(all.end(), group.begin(), group.end());
    all.push_back(exec_command());
    all.push_back(curl_command());
    return all;
}

// Global words taken out before Program_options sees the rest: -v counted,
// and -o/--output in each spelling (-o json, -ojson, --output json,
// --output=json), so that the error path knows the format even when parsing
// fails.
struct Prescan {
    std::vector<std::string> words;
    // Words of `exec` and `curl` that go to the command untouched.
    std::vector<std::string> command_words;
    int verbosity = 0;
    std::string format = "text";
};

// git and docker run their helpers by program name (git-credential-NAME,
// docker-credential-NAME): installed as links of those names, the program
// runs the matching command.
const char* command_of_program_name(const char* argv0) {
    std::string_view name = argv0;
    if (auto slash = name.rfind('/'); slash != std::string_view::npos)
        name.remove_prefix(slash + 1);
    if (name == "git-credential-latchkey") return "git-credential";
    if (name == "docker-credential-latchkey") return "docker-credential";
    return nullptr;
}

bool takes_value(const std::string& global) {
    return global == "--config" || global == "--at" || global == "--set" ||
           global == "--plugin-dir";
}

// After `exec` or `curl`, only the global options that choose what to act on
// (--at, --config, --set, --plugin-dir) are latchkey's: curl's -o FILE and
// -v, and every word of the program exec runs, are the command's. exec's
// program starts at "--" or at its first word that is not an option.
void take_command_words(int argc, char** argv, int i, Prescan& out, bool exec) {
    bool program = false;
    for (; i < argc; ++i) {
        std::string a = argv[i];
        bool option_value = i > 0 && (std::string(argv[i - 1]) == "--env" ||
                                      std::string(argv[i - 1]) == "--header-env");
        if (a == "--" || (exec && !option_value && !a.empty() && a[0] != '-')) program = true;
        if (program) {
            out.command_words.push_back(a);
        } else if (takes_value(a) && i + 1 < argc) {
            out.words.push_back(a);
            out.words.push_back(argv[++i]);
        } else if (a.find('=') != std::string::npos && takes_value(a.substr(0, a.find('=')))) {
            out.words.push_back(a);
        } else {
            out.command_words.push_back(a);
        }
    }
}

Prescan prescan(int argc, char** argv) {
    Prescan out;
    // Run as git-credential-latchkey: the command is already chosen.
    const char* as_program = command_of_program_name(argv[0]);
    if (as_program) out.words.push_back(as_program);
    bool rest = false;                     // after "--" every word is an argument
    bool command = as_program != nullptr;  // the command's first word was seen
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (rest || a == "--") {
            rest = true;
            out.words.push_back(a);
        } else if (!command && (a == "exec" || a == "curl")) {
            out.words.push_back(a);
            take_command_words(argc, argv, i + 1, out, a == "exec");
            break;
        } else if (a == "--verbose") {
            ++out.verbosity;
        } else if (a.size() >= 2 && a[0] == '-' &&
                   a.find_first_not_of('v', 1) == std::string::npos) {
            out.verbosity += static_cast<int>(a.size()) - 1;
        } else if (a == "-o" || a == "--output") {
            if (i + 1 == argc) throw Error(ErrorKind::usage, a + " needs a value: text or json");
            out.format = argv[++i];
        } else if (a.rfind("--output=", 0) == 0) {
            out.format = a.substr(9);
        } else if (a.rfind("-o", 0) == 0 && a.rfind("--", 0) != 0) {
            out.format = a.substr(2);
        } else {
            command = command || a[0] != '-';
            out.words.push_back(a);
            // The value of a global option is never a command's name (--at curl).
            if (takes_value(a) && i + 1 < argc) out.words.push_back(argv[++i]);
        }
    }
    return out;
}

void print_help(const po::options_description& global) {
    std::cout << "latchkey " LATCHKEY_VERSION
                 " - credentials for the sites your programs call\n\n"
                 "usage: latchkey [global options] COMMAND [command options]\n\ncommands:\n";
    std::vector<std::vector<std::string>> rows;
    for (auto& c : all_commands()) rows.push_back({"  " + c.name, c.summary});
    print_table(rows);
    std::cout << "\n"
              << global
              << "\nA command that acts on sites acts on the selected one (--at, $LATCHKEY_SITE,\n"
                 "default_site, or the only site); --all makes it act on every site of the\n"
                 "policy (status, logout, config explain, storage list|migrate|seal|check).\n"
                 "--set changes a value for this run only, under every command; `sites add`\n"
                 "and `sites modify` write values into the policy with --option key=value.\n"
              << "\nexit codes: 0 ok, 1 failure, 2 usage, 3 login required\n"
              << "`latchkey COMMAND --help` shows a command's options." << std::endl;
}

void on_interrupt(int) {
    // First Ctrl-C: ask polls and sleeps to stop (nothing half-written is
    // stored); a second one ends the process at once.
    if (admin::cancel_interaction()) std::_Exit(130);
}

// `format` is set as soon as it is known, for main's error path.
int run(int argc, char** argv, Format& format_out) {
    Context ctx;
    po::options_description global("global options");
    global.add_options()(
        "config", po::value<std::string>(),
        "policy file (default: $LATCHKEY_CONFIG, then $XDG_CONFIG_HOME/latchkey/config.toml)")(
        "at", po::value<std::string>(), "site to use (default: $LATCHKEY_SITE, then default_site)")(
        "set", po::value<std::vector<std::string>>()->composing(),
        "override an option for this run: --set key=value (repeatable; never written to the "
        "policy)")("plugin-dir", po::value<std::vector<std::string>>()->composing(),
                   "search this directory for provider plugins first (repeatable)")(
        "output,o", po::value<std::string>()->default_value("text"),
        "output format: text or json (also -ojson, --output=json)")(
        "verbose,v", "more detail on standard error (-vv for HTTP traces)")(
        "version", "print the version")("help,h", "show help");

    // -v, -vv, -v -v and --verbose are counted by prescan(), and -o read
    // there; Program_options only documents them (it would refuse a second
    // -v).
    Prescan pre = prescan(argc, argv);
    auto choose_format = [&](const std::string& f) {
        if (f != "text" && f != "json")
            throw Error(ErrorKind::usage, "-o " + f + ": use text or json");
        format_out = ctx.format = f == "json" ? Format::json : Format::text;
    };
    choose_format(pre.format);
    const std::vector<std::string>& words = pre.words;
    int verbosity = pre.verbosity;
    po::variables_map vm;
    std::vector<std::string> rest;
    try {
        auto parsed = po::command_line_parser(words).options(global).allow_unregistered().run();
        po::store(parsed, vm);
        po::notify(vm);
        rest = po::collect_unrecognized(parsed.options, po::include_positional);
        rest.insert(rest.end(), pre.command_words.begin(), pre.command_words.end());
    } catch (const po::error& e) {
        throw Error(ErrorKind::usage, std::string(e.what()) + " (see `latchkey --help`)");
    }
    // An abbreviation (--out json) reaches Program_options.
    if (!vm["output"].defaulted()) choose_format(vm["output"].as<std::string>());

    if (vm.count("version")) {
        std::cout << "latchkey " LATCHKEY_VERSION " (provider ABI " << LATCHKEY_ABI_MAJOR << "."
                  << LATCHKEY_ABI_MINOR << ")" << std::endl;
        return 0;
    }
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
        auto words = admin::split(c.name, " ");
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
        std::string near = admin::nearest(attempt, names);
        if (near.empty()) near = admin::nearest(rest[0], names);
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
    if (std::string why = latchkey::admin::refuse_core_dumps(); !why.empty())
        std::cerr << latchkey::cli::warning_prefix()
                  << "core dumps could not be turned off: " << why << std::endl;
    std::signal(SIGINT, latchkey::cli::on_interrupt);
    auto format = latchkey::cli::Format::text;
    try {
        return latchkey::cli::run(argc, argv, format);
    } catch (const latchkey::Error& e) {
        std::cerr << latchkey::cli::error_prefix() << latchkey::cli::display(e.what()) << std::endl;
        if (format == latchkey::cli::Format::json) {
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
        std::cerr << latchkey::cli::error_prefix()
                  << "internal error: " << latchkey::cli::display(e.what()) << std::endl;
        return 1;
    }
}
