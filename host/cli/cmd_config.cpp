// `latchkey config check|explain`
#include <iostream>
#include <set>

#include "command.hpp"
#include "plain_http_warnings.hpp"
#include "site_view.hpp"
#include "util/strings.hpp"

namespace latchkey::cli {

namespace {

// Keys in [defaults] must mean something to the host or to some site's provider.
void check_defaults(HostImpl& host, const std::set<std::string>& known) {
    auto* defaults = host.policy().defaults;
    if (!defaults) return;
    std::vector<std::string> all(known.begin(), known.end());
    for (auto&& [key, node] : *defaults) {
        std::string k(key.str());
        if (known.count(k)) continue;
        std::string near = util::nearest(k, all);
        throw Error(ErrorKind::config, host.policy().pos_of(key).str() + ": unknown key '" + k +
                                           "' in [defaults]: no site's provider takes it" +
                                           (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
}

// Redis is read by everyone with access to the server: its values should
// be sealed. One warning per site that keeps plain credentials there.
std::vector<std::string> unsealed_shared_stores(HostImpl& host) {
    std::vector<std::string> out;
    for (auto& s : host.policy().sites) {
        try {
            auto& st = host.site(s.name);
            auto* sealed = dynamic_cast<storage::SealedStorage*>(st.storage);
            if (st.tokens->storage_name() == "redis" && !(sealed && sealed->sealing()))
                out.push_back("site '" + s.name +
                              "': credentials in redis are plain JSON that anyone with access to "
                              "the server can read; set [storage] encryption_key = { secret = "
                              "\"NAME\" } (32 random bytes, `openssl rand -base64 32`)");
        } catch (const Error&) {
            // Reported as a failure by the caller.
        }
    }
    return out;
}

int check(Context& ctx) {
    po::options_description desc("config check");
    po::variables_map vm;
    if (!parse_command_options(ctx, "config check", "config check", desc, vm)) return 0;
    auto& host = ctx.host();
    auto& policy = host.policy();
    if (!policy.exists())
        throw Error(ErrorKind::config,
                    policy.path() + " does not exist; pass --config FILE or create it");
    std::vector<std::pair<std::string, std::string>> failures;
    std::vector<std::string> warnings;
    std::set<std::string> known;
    for (auto& h : policy::host_site_options()) known.insert(h.key);
    for (auto& s : policy.sites) {
        try {
            auto& st = host.site(s.name);
            for (auto& o : st.provider->schema()) known.insert(o.key);
            for (auto& w : plain_http_warnings(st.resolved)) warnings.push_back(w);
        } catch (const Error& e) {
            failures.emplace_back(s.name, e.what());
        }
    }
    try {
        check_defaults(host, known);
    } catch (const Error& e) {
        failures.emplace_back("[defaults]", e.what());
    }
    for (auto& w : unsealed_shared_stores(host)) warnings.push_back(w);
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", policy.path());
        j.key_bool("ok", failures.empty());
        j.key_int("sites", static_cast<int64_t>(policy.sites.size()));
        j.w().Key("errors");
        j.w().StartArray();
        for (auto& [site, msg] : failures) {
            j.w().StartObject();
            j.key_string("site", site);
            j.key_string("message", without_url_passwords(msg));
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().Key("warnings");
        j.w().StartArray();
        for (auto& w : warnings) j.w().String(w.c_str());
        j.w().EndArray();
        j.w().EndObject();
        j.print();
    } else {
        for (auto& w : warnings) std::cerr << "latchkey: warning: " << display(w) << "\n";
        for (auto& [site, msg] : failures) std::cerr << "latchkey: " << display(msg) << "\n";
        if (failures.empty())
            std::cout << display(policy.path()) << ": ok (" << policy.sites.size() << " site"
                      << (policy.sites.size() == 1 ? "" : "s") << ")" << std::endl;
    }
    return failures.empty() ? 0 : 1;
}

int explain(Context& ctx) {
    po::options_description desc("config explain");
    desc.add_options()("all", "explain every site, not only the selected one");
    po::variables_map vm;
    if (!parse_command_options(ctx, "config explain", "config explain [--all]", desc, vm)) return 0;
    auto& host = ctx.host();
    std::vector<std::string> names = ctx.site_names(vm.count("all") > 0);
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", host.policy().path());
        j.w().Key("sites");
        j.w().StartArray();
        for (auto& n : names) write_site_json(j, host.site(n), true);
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return 0;
    }
    std::cout << "policy " << display(host.policy().path())
              << (host.policy().exists() ? "" : " (does not exist)") << "\n";
    for (auto& n : names) {
        std::cout << "\n";
        print_site(ctx, host.site(n), true);
    }
    return 0;
}

}  // namespace

std::vector<Command> config_commands() {
    return {{"config check", "validate the policy and every site against its provider", check},
            {"config explain", "show each effective value and where it came from", explain}};
}

}  // namespace latchkey::cli
