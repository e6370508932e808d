// `latchkey git-credential get|store|erase`: git's credential-helper
// protocol (gitcredentials(7)), so that
//
//   git config credential.helper latchkey
//
// makes git ask latchkey (as `git-credential-latchkey get`) for the password
// of an HTTP remote. The site is the one whose url_patterns match the
// remote (with credential.useHttpPath, its path too), or --at SITE.
//
// The protocol's rules: the request is `key=value` lines up to a blank line
// or EOF, and unknown keys are ignored; `get` answers username, password and
// password_expiry_utc, or nothing at all when latchkey cannot serve the
// remote (git then asks its next helper, or the person); `store` has nothing
// to keep, since the token came from latchkey; `erase` (git's answer to a
// 401) drops the site's cached token when it still is the refused one; any
// other operation is ignored. latchkey never prompts here: a site that needs
// a person says so on standard error (`latchkey login`).
#include <iostream>

#include "colour.hpp"
#include "helper_io.hpp"
#include "helper_requests.hpp"

namespace latchkey::cli {

namespace {

bool fits_a_line(const std::string& v) {
    return v.find_first_of("\n\r", 0) == std::string::npos && v.find('\0') == std::string::npos;
}

int get(Context& ctx, const GitRequest& req) {
    if (req.get("host").empty() && req.get("url").empty()) return 0;
    std::string site = site_for_request(ctx, req.url());
    if (site.empty()) return 0;  // not a remote of latchkey's: git asks elsewhere
    SiteCredential c = site_credential(ctx, site);
    std::string user = token_username(ctx, c);
    if (!fits_a_line(c.token) || !fits_a_line(user))
        throw Error(ErrorKind::internal,
                    "site '" + site + "': the token cannot be written as one git credential line");
    std::cout << "username=" << user << "\npassword=" << c.token << "\n";
    // Git (2.41 on) drops the password then rather than reusing it.
    if (c.expires_at_ms) std::cout << "password_expiry_utc=" << c.expires_at_ms / 1000 << "\n";
    std::cout.flush();
    return 0;
}

int erase(Context& ctx, const GitRequest& req) {
    if (req.get("password").empty() || (req.get("host").empty() && req.get("url").empty()))
        return 0;
    std::string site = site_for_request(ctx, req.url());
    if (site.empty()) return 0;
    forget_credential(ctx, site, req.get("password"));
    return 0;
}

int git_credential(Context& ctx) {
    po::options_description desc("git-credential");
    desc.add_options()("operation", po::value<std::string>(), "get, store or erase (from git)");
    po::positional_options_description pos;
    pos.add("operation", 1);
    po::variables_map vm;
    if (!parse_command_options(ctx, "git-credential", "git-credential get|store|erase", desc, vm,
                               &pos))
        return 0;
    std::string op = vm.count("operation") ? vm["operation"].as<std::string>() : "";
    if (op != "get" && op != "erase") return 0;  // store, and operations of a later git
    try {
        GitRequest req = parse_git_request(read_helper_input());
        return op == "get" ? get(ctx, req) : erase(ctx, req);
    } catch (const Error& e) {
        // Nothing on standard output: git goes on to its next helper.
        std::cerr << error_prefix() << "git-credential " << op << ": " << display(e.what()) << std::endl;
        return e.exit_code();
    }
}

}  // namespace

std::vector<Command> git_credential_commands() {
    return {{"git-credential",
             "git's credential helper (git config credential.helper latchkey): get, store, erase",
             git_credential}};
}

}  // namespace latchkey::cli
