// `latchkey sites add|modify|remove|set-default`: edit the policy file in
// place (admin::Admin does the edit; see host/src/admin/site_edits.cpp).
//
// Values to write are given with --option key=value and --option-env
// key=VAR. The global --set is the run-time override of every command and
// is never written: given to an edit it is refused with the flag to use.
#include <cctype>
#include <iostream>
#include <set>

#include "sites_edit.hpp"

namespace latchkey::cli {

namespace {

[[noreturn]] void usage(const std::string& cmd, const std::string& what) {
    throw Error(ErrorKind::usage, cmd + ": " + what + " (see `latchkey " + cmd + " --help`)");
}

// Parses `cmd NAME [options]` (the options in `desc`) and returns NAME, or
// nullopt after printing the help.
std::optional<std::string> parse_named(Context& ctx, const std::string& cmd,
                                       const std::string& usage_text, po::options_description& desc,
                                       po::variables_map& vm) {
    desc.add_options()("name", po::value<std::string>(), "the site");
    po::positional_options_description pos;
    pos.add("name", 1);
    // The old spellings, refused by name (--set is taken by main.cpp).
    for (auto& a : ctx.args)
        if (a == "--set-env" || a.rfind("--set-env=", 0) == 0)
            usage(cmd, "--set-env is now --option-env key=VAR");
    if (!parse_command_options(ctx, cmd, cmd + " " + usage_text, desc, vm, &pos))
        return std::nullopt;
    if (!ctx.host_options.sets.empty())
        usage(cmd,
              "--set overrides a value for one run and is never written to the policy; write a "
              "value with --option key=value");
    if (!vm.count("name")) usage(cmd, "name the site");
    return vm["name"].as<std::string>();
}

// `--option key=value` in order, then `--option-env key=VAR`.
std::vector<admin::Assignment> assignments(const std::string& cmd, const po::variables_map& vm) {
    std::vector<admin::Assignment> out;
    auto add = [&](const char* flag, bool from_env) {
        if (!vm.count(flag)) return;
        for (auto& arg : vm[flag].as<std::vector<std::string>>()) {
            auto eq = arg.find('=');
            std::string key = admin::trim(arg.substr(0, eq));
            if (eq == std::string::npos || key.empty())
                usage(cmd, std::string("--") + flag +
                               " needs key=value (an argument has no key before '=')");
            out.push_back({key, arg.substr(eq + 1), from_env});
        }
    };
    add("option", false);
    add("option-env", true);
    std::set<std::string> seen;
    for (auto& a : out)
        if (!seen.insert(a.key).second) usage(cmd, a.key + " is given twice");
    return out;
}

// Says what was done: the message as text, or a JSON object.
void report(Context& ctx, const admin::EditResult& r) {
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", r.config);
        j.key_string("site", r.site);
        j.key_string("action", r.action);
        j.key_bool("changed", r.changed);
        j.w().Key("default_site");
        if (r.default_site)
            j.w().String(r.default_site->c_str(),
                         static_cast<rapidjson::SizeType>(r.default_site->size()));
        else
            j.w().Null();
        if (!r.credential.empty()) j.key_string("credential", r.credential);
        j.w().EndObject();
        j.print();
    } else {
        // Our message may have several lines; what it quotes has no controls left.
        std::cout << admin::printable(without_url_passwords(r.message), true)
                  << (r.changed ? "" : " (no change)") << std::endl;
    }
}

// The policy's rule (policy.cpp), checked before the file is touched: a
// leading '_' is latchkey's own storage key space.
bool valid_site_name(const std::string& s) {
    return !s.empty() && std::isalnum(static_cast<unsigned char>(s[0])) &&
           s.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
               "0123456789-_.") == std::string::npos;
}

const char* const kOptionHelp =
    "key=value: write this value, typed by the provider's option (repeatable); "
    "key={env=VAR}, {secret=NAME} or {file=PATH} writes a reference";
const char* const kOptionEnvHelp =
    "key=VAR: write key = { env = \"VAR\" }, read from $VAR when latchkey runs (repeatable)";

void add_value_options(po::options_description& desc) {
    desc.add_options()("option", po::value<std::vector<std::string>>()->composing(), kOptionHelp)(
        "option-env", po::value<std::vector<std::string>>()->composing(), kOptionEnvHelp);
}

int add(Context& ctx) {
    const std::string cmd = "sites add";
    po::options_description desc(cmd);
    desc.add_options()("provider", po::value<std::string>(),
                       "the provider that serves it (`latchkey providers list`)");
    add_value_options(desc);
    desc.add_options()("default", "make it the default site (default_site)");
    po::variables_map vm;
    auto name = parse_named(ctx, cmd,
                            "NAME --provider P [--option key=value]... [--option-env key=VAR]... "
                            "[--default]",
                            desc, vm);
    if (!name) return 0;
    if (!valid_site_name(*name))
        usage(cmd, "site name '" + *name +
                       "' must start with a letter or digit and may only use letters, digits, "
                       "'-', '_' and '.'");
    if (!vm.count("provider"))
        usage(cmd, "--provider P is required (see `latchkey providers list`)");
    auto values = assignments(cmd, vm);
    for (auto& a : values)
        if (a.key == "provider") usage(cmd, "give the provider with --provider, not --option");
    report(ctx, ctx.admin().add_site(*name, vm["provider"].as<std::string>(), values,
                                     vm.count("default") > 0));
    return 0;
}

int modify(Context& ctx) {
    const std::string cmd = "sites modify";
    po::options_description desc(cmd);
    add_value_options(desc);
    desc.add_options()("unset", po::value<std::vector<std::string>>()->composing(),
                       "remove this key from the site (repeatable)");
    po::variables_map vm;
    auto name = parse_named(
        ctx, cmd, "NAME [--option key=value]... [--option-env key=VAR]... [--unset key]...", desc,
        vm);
    if (!name) return 0;
    auto values = assignments(cmd, vm);
    std::vector<std::string> unset;
    if (vm.count("unset")) unset = vm["unset"].as<std::vector<std::string>>();
    if (values.empty() && unset.empty())
        usage(cmd,
              "nothing to change: give --option key=value, --option-env key=VAR or --unset key");
    for (auto& key : unset)
        for (auto& a : values)
            if (a.key == key) usage(cmd, key + " is both set and unset");
    report(ctx, ctx.admin().modify_site(*name, values, unset));
    return 0;
}

int remove_site(Context& ctx) {
    const std::string cmd = "sites remove";
    po::options_description desc(cmd);
    desc.add_options()("keep-credential", "leave the site's stored credential in the token store");
    po::variables_map vm;
    auto name = parse_named(ctx, cmd, "NAME [--keep-credential]", desc, vm);
    if (!name) return 0;
    report(ctx, ctx.admin().remove_site(*name, vm.count("keep-credential") > 0));
    return 0;
}

int set_default(Context& ctx) {
    const std::string cmd = "sites set-default";
    po::options_description desc(cmd);
    po::variables_map vm;
    auto name = parse_named(ctx, cmd, "NAME", desc, vm);
    if (!name) return 0;
    report(ctx, ctx.admin().set_default_site(*name));
    return 0;
}

}  // namespace

std::vector<Command> site_edit_commands() {
    return {{"sites add", "add a site to the policy file (comments and layout kept)", add},
            {"sites modify", "set or unset keys of a site in the policy file", modify},
            {"sites remove",
             "remove a site (and default_site if it named it) and erase its stored credential",
             remove_site},
            {"sites set-default", "make a site the default (default_site)", set_default}};
}

}  // namespace latchkey::cli
