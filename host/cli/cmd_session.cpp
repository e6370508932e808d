// `latchkey login|logout|token|status`: getting, dropping, printing and
// inspecting credentials. Only `token` ever prints a secret.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <iostream>
#include <latchkey/common/bounded_json.hpp>

#include "agent_client.hpp"
#include "agent_use.hpp"
#include "colour.hpp"
#include "command.hpp"

namespace latchkey::cli {

namespace {

std::string expiry_text(int64_t expires_at_ms, int64_t now) {
    if (!expires_at_ms) return "does not expire";
    int64_t left = expires_at_ms - now;
    return left > 0 ? "expires in " + human_duration(left) + " (" + iso_time(expires_at_ms) + ")"
                    : "expired " + human_duration(left);
}

int login(Context& ctx) {
    po::options_description desc("login");
    desc.add_options()("force", "log in again even when a valid credential is stored");
    po::variables_map vm;
    if (!parse_command_options(ctx, "login", "login [--force]", desc, vm)) return 0;
    ctx.host_options.interactive = true;
    auto& admin = ctx.admin();
    auto s = admin.describe("");
    int64_t started = admin::now_ms();
    Credential c = admin.login(s.name, vm.count("force") > 0);
    int64_t now = admin::now_ms();
    bool fetched = c.obtained_at_ms() >= started;
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("site", s.name);
        j.key_string("provider", s.provider);
        j.key_int("expires_at_ms", c.expires_at_ms());
        j.key_int("obtained_at_ms", c.obtained_at_ms());
        j.key_bool("fetched", fetched);
        j.w().EndObject();
        j.print();
    } else {
        std::cout << (fetched ? "logged in to " : "already logged in to ") << s.name
                  << " (provider " << display(s.provider) << "); credential "
                  << expiry_text(c.expires_at_ms(), now) << std::endl;
    }
    return 0;
}

int logout(Context& ctx) {
    po::options_description desc("logout");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "logout", "logout [--all]", desc, vm)) return 0;
    std::vector<std::string> names = ctx.site_names(vm.count("all") > 0);
    int rc = 0;
    for (auto& n : names) {
        try {
            auto problem = ctx.admin().logout(n);
            // The local copy is gone either way; a failed revocation is worth
            // knowing (the token stays valid at the server until it expires).
            if (problem)
                std::cerr << warning_prefix() << "site '" << n
                          << "': the server did not confirm revocation: " << display(*problem)
                          << std::endl;
            if (ctx.format == Format::text) std::cout << "logged out of " << n << std::endl;
        } catch (const Error& e) {
            std::cerr << error_prefix() << display(e.what()) << std::endl;
            rc = 1;
        }
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_bool("ok", rc == 0);
        j.w().Key("sites");
        j.w().StartArray();
        for (auto& n : names) j.w().String(n.c_str());
        j.w().EndArray();
        j.w().EndObject();
        j.print();
    }
    return rc;
}

int whoami(Context& ctx) {
    po::options_description desc("whoami");
    po::variables_map vm;
    if (!parse_command_options(ctx, "whoami", "whoami", desc, vm)) return 0;
    auto& admin = ctx.admin();
    const std::string site = admin.selected_site();
    const std::string json = admin.whoami(site);
    rapidjson::Document doc;
    bool parsed = !common::parse_bounded_json(doc, json);
    if (ctx.format == Format::json) {
        // Written again by our writer, which escapes what the provider's did not.
        if (!parsed) throw Error(ErrorKind::internal, "whoami: the provider's answer is not JSON");
        Json j;
        doc.Accept(j.w());
        j.print();
        return 0;
    }
    // Text: one `claim: value` line per member, values as their JSON text.
    if (!parsed || !doc.IsObject()) {
        std::cout << display(json) << std::endl;
        return 0;
    }
    std::cout << site << "\n";
    for (auto& m : doc.GetObject()) {
        std::string value;
        if (m.value.IsString()) {
            value = m.value.GetString();
        } else {
            rapidjson::StringBuffer buf;
            rapidjson::Writer<rapidjson::StringBuffer> w(buf);
            m.value.Accept(w);
            value = buf.GetString();
        }
        std::cout << "  " << display(m.name.GetString()) << ": " << display(value) << "\n";
    }
    std::cout.flush();
    return 0;
}

// `token --write`: each site's token_file made to hold its current token.
int write_token_files(Context& ctx, bool all) {
    auto& admin = ctx.admin();
    struct Outcome {
        std::string site;
        admin::TokenFileWrite write;
        std::string error;
    };
    std::vector<Outcome> outcomes;
    int rc = 0;
    for (auto& n : ctx.site_names(all)) {
        // --all: the sites that name a file; one named site must name one.
        if (all && admin.token_file(n).empty()) continue;
        Outcome o{n, {}, {}};
        try {
            o.write = admin.write_token_file(n);
        } catch (const Error& e) {
            if (!all) throw;
            o.error = e.what();
            std::cerr << "latchkey: " << display(o.error) << std::endl;
            rc = e.exit_code();
        }
        if (ctx.format == Format::text && o.error.empty())
            std::cout << n << ": " << display(o.write.path)
                      << (o.write.changed ? " written" : " unchanged") << std::endl;
        outcomes.push_back(std::move(o));
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartArray();
        for (auto& o : outcomes) {
            j.w().StartObject();
            j.key_string("site", o.site);
            j.key_string("path", o.write.path);
            j.key_bool("changed", o.write.changed);
            if (!o.error.empty()) j.key_string("error", without_url_passwords(o.error));
            j.w().EndObject();
        }
        j.w().EndArray();
        j.print();
    }
    return rc;
}

int token(Context& ctx) {
    po::options_description desc("token");
    desc.add_options()("header",
                       "print the whole HTTP header line, e.g. `Authorization: Bearer ...`, then "
                       "the site's extra_headers, one a line")(
        "min-valid", po::value<std::string>(),
        "a credential valid at least this long (e.g. 10m), refreshed now if needed")(
        "write",
        "write the token to the site's token_file (replaced atomically, 0600) instead "
        "of printing it");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "token",
                               "token [--header] [--min-valid DURATION] | token --write [--all]",
                               desc, vm))
        return 0;
    bool all = vm.count("all") > 0;
    bool header = vm.count("header") > 0;
    if (vm.count("write")) {
        if (header) throw Error(ErrorKind::usage, "token: --write and --header exclude each other");
        return write_token_files(ctx, all);
    }
    if (all) throw Error(ErrorKind::usage, "token: --all goes with --write only");
    std::string min_valid = vm.count("min-valid") ? vm["min-valid"].as<std::string>() : "";
    if (!min_valid.empty() && !admin::parse_duration_ms(min_valid))
        throw Error(ErrorKind::usage,
                    "--min-valid: expected a duration such as 10m or 600, got \"" + min_valid + "\"");
    SiteCredential c = site_credential(ctx, "", min_valid);
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("site", c.site);
        j.key_string("token", c.token);
        j.key_string("token_type", c.token_type);
        j.key_string("header", c.header);
        j.w().Key("extra_headers");
        j.w().StartArray();
        for (auto& line : c.extra_headers) j.w().String(line.c_str());
        j.w().EndArray();
        j.key_int("expires_at_ms", c.expires_at_ms);
        j.w().EndObject();
        j.print();
    } else if (header) {
        std::cout << c.header << "\n";
        for (auto& line : c.extra_headers) std::cout << line << "\n";
        std::cout.flush();
    } else {
        std::cout << c.token << std::endl;
    }
    return 0;
}

int status(Context& ctx) {
    po::options_description desc("status");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "status", "status [--all]", desc, vm)) return 0;
    auto& admin = ctx.admin();
    std::vector<std::string> names = ctx.site_names(vm.count("all") > 0);
    int64_t now = admin::now_ms();
    Json j;
    if (ctx.format == Format::json) {
        j.w().StartObject();
        j.w().Key("sites");
        j.w().StartArray();
    }
    int rc = 0;
    for (auto& n : names) {
        std::string provider, storage, state, error;
        std::optional<admin::StoredCredential> c;
        try {
            auto s = admin.describe(n);
            provider = s.provider;
            storage = s.storage;
            c = admin.stored(n);
            if (!c)
                state = storage == "memory"
                            ? "no credential (memory storage keeps none between runs)"
                            : "not logged in";
            else if (c->expired_at(now))
                state = "expired " + human_duration(c->expires_at_ms - now);
            else
                state = "valid, " + expiry_text(c->expires_at_ms, now);
        } catch (const Error& e) {
            error = e.what();
            rc = 1;
        }
        if (ctx.format == Format::json) {
            auto& w = j.w();
            w.StartObject();
            j.key_string("site", n);
            j.key_string("provider", provider);
            j.key_string("storage", storage);
            if (!error.empty()) j.key_string("error", without_url_passwords(error));
            j.key_bool("logged_in", c.has_value() && !c->expired_at(now));
            if (c) {
                j.key_int("expires_at_ms", c->expires_at_ms);
                j.key_int("obtained_at_ms", c->obtained_at_ms);
                j.key_bool("has_refresh_token", c->has_refresh_token);
                w.Key("extras");
                w.StartObject();
                for (auto& [k, v] : c->extras) {
                    if (!c->json_extras.count(k)) {
                        j.key_string(k.c_str(), v);
                        continue;
                    }
                    // A typed extra: JSON the host parsed and wrote itself.
                    w.Key(k.c_str());
                    w.RawValue(v.c_str(), v.size(), rapidjson::kObjectType);
                }
                w.EndObject();
            }
            w.EndObject();
            continue;
        }
        std::cout << n << "\n";
        if (!error.empty()) {
            std::cout << "  error:    " << display(error) << "\n";
            continue;
        }
        std::cout << "  provider: " << display(provider) << "\n  storage:  " << display(storage)
                  << "\n  state:    " << state << "\n";
        if (c) {
            std::cout << "  obtained: " << iso_time(c->obtained_at_ms) << "\n";
            if (c->expires_at_ms && !c->expired_at(now) && c->refresh_at_ms > now)
                std::cout << "  refresh:  in " << human_duration(c->refresh_at_ms - now) << "\n";
            if (c->has_refresh_token) std::cout << "  refresh token: stored\n";
            // Extras come from the server: never raw to the terminal.
            for (auto& [k, v] : c->extras)
                std::cout << "  " << display(k) << ": " << display(v) << "\n";
        }
    }
    // Which process answers `token`: a running agent, or each run alone.
    std::string agent_line = "none (each run reads the store itself)";
    int64_t agent_pid = 0;
    if (auto socket = agent_socket(ctx)) {
        auto reply = agent::ask_agent(*socket, "GET", "/v1/health",
                                      admin::policy_file(ctx.host_options.config_path), "", 2000);
        rapidjson::Document doc;
        if (reply && reply->status == 200 && !common::parse_bounded_json(doc, reply->body) &&
            doc.IsObject() && doc.HasMember("pid") && doc["pid"].IsInt64()) {
            agent_pid = doc["pid"].GetInt64();
            agent_line = "pid " + std::to_string(agent_pid) + " at " + *socket + " serves this policy";
        } else if (reply) {
            agent_line = "one at " + *socket + " serves another policy; each run works alone";
        }
    }
    if (ctx.format == Format::json) {
        j.w().EndArray();
        j.w().Key("agent");
        j.w().StartObject();
        j.key_bool("serving", agent_pid != 0);
        if (agent_pid) j.key_int("pid", agent_pid);
        j.w().EndObject();
        j.w().EndObject();
        j.print();
    } else {
        std::cout << "agent: " << display(agent_line) << "\n";
    }
    std::cout.flush();
    return rc;
}

}  // namespace

std::vector<Command> session_commands() {
    return {
        {"login", "get a credential for the site now (interactive when the provider needs it)",
         login},
        {"logout",
         "revoke (when the server supports it) and erase the site's credential (--all: every "
         "site's)",
         logout},
        {"whoami", "show who the site's credential belongs to (userinfo or token claims)", whoami},
        {"token", "print the site's token (cached, refreshed or acquired)", token},
        {"status", "show the site's stored credential state (--all: every site), never the secret",
         status}};
}

}  // namespace latchkey::cli
