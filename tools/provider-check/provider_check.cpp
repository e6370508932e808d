// latchkey-provider-check PATH.so [--policy P --at SITE]
//
// Runs a provider plugin through the checks latchkey's own loader makes and
// the ones a vendor must pass beyond them, and prints a pass/fail table:
// load, ABI version, descriptor, option names, secret and identity flags,
// create with missing and with invalid options, no exception escaping, no
// secret in any message, repeated create/destroy without growth, and, given
// a live site, acquire / refresh / expired against it. Exits 1 when a check
// fails, 2 on a usage error.
//
// Every call into the plugin runs in a child process (check_child.hpp).
#include <malloc.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "check_child.hpp"
#include "check_report.hpp"
#include "latchkey/error.hpp"
#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "provider/loaded_provider.hpp"
#include "provider/provider_instance.hpp"
#include "schema_rules.hpp"
#include "util/clock.hpp"

namespace latchkey::check {
namespace {

struct Verdict {
    bool ok = true;
    std::string detail;
};

std::string canary(const std::string& key) { return "lkcheck-secret-" + key + "-5e1f"; }

// A value of the option's type the host would accept, that points nowhere.
std::string plausible(const policy::OptionSpec& o) {
    if (o.secret) return canary(o.key);
    switch (o.type) {
        case LATCHKEY_OPT_INT:
            return "1";
        case LATCHKEY_OPT_BOOL:
            return "false";
        case LATCHKEY_OPT_DURATION:
            return "60";
        case LATCHKEY_OPT_PATH:
            return "/nonexistent/provider-check/" + o.key;
        default:
            break;
    }
    const std::string& k = o.key;
    if (k.size() >= 4 && (k.compare(k.size() - 4, 4, "_url") == 0 || k == "issuer"))
        return "https://127.0.0.1:1/" + k;  // refused at once: no wait, no network
    if (k.size() >= 5 && k.compare(k.size() - 5, 5, "_file") == 0)
        return "/nonexistent/provider-check/" + k;
    return "provider-check-" + k;
}

// Values the host's type checks let through, but nonsense to a provider.
std::string nonsense(const policy::OptionSpec& o) {
    switch (o.type) {
        case LATCHKEY_OPT_INT:
            return "-1";
        case LATCHKEY_OPT_BOOL:
            return "true";
        case LATCHKEY_OPT_DURATION:
            return "0";
        default:
            return o.secret ? canary(o.key) + " \t" : "not a value: %s %n \"{}";
    }
}

// A site of `p` with these option values. The secret flags are dropped so
// the host redacts nothing: what the plugin puts in a message shows as is.
policy::ResolvedSite site_of(const provider::LoadedProvider& p,
                             const std::map<std::string, std::string>& values) {
    policy::ResolvedSite site;
    site.name = "provider-check";
    site.provider = p.name();
    site.schema = p.schema();
    for (const auto& o : p.schema()) {
        auto it = values.find(o.key);
        std::optional<std::string> text =
            it != values.end() ? std::optional(it->second) : o.default_value;
        if (!text) continue;
        policy::ResolvedValue v;
        v.set = true;
        v.source = "latchkey-provider-check";
        if (o.type == LATCHKEY_OPT_LIST) {
            v.is_list = true;
            v.list = {*text};
        } else {
            v.text = *text;
        }
        if (o.type == LATCHKEY_OPT_DURATION) {
            v.is_duration = true;
            v.ms = std::stoll(*text) * 1000;
        }
        site.values[o.key] = std::move(v);
    }
    return site;
}

std::map<std::string, std::string> all_values(const provider::LoadedProvider& p,
                                              std::string (*value)(const policy::OptionSpec&)) {
    std::map<std::string, std::string> out;
    for (const auto& o : p.schema()) out[o.key] = value(o);
    return out;
}

// Services that keep every log line, for the secret check.
struct Harness {
    provider::Services services;
    std::vector<std::string> messages;
    Harness() {
        services.log_level = LogLevel::debug;
        services.log_sink = [this](LogLevel, const std::string& m) { messages.push_back(m); };
    }
};

// Makes an instance; nullptr with the message kept when create fails.
std::unique_ptr<provider::ProviderInstance> create(Harness& h,
                                                   std::shared_ptr<provider::LoadedProvider> p,
                                                   const std::map<std::string, std::string>& v,
                                                   std::optional<Error>* failure = nullptr) {
    try {
        return std::make_unique<provider::ProviderInstance>(p, site_of(*p, v), h.services);
    } catch (const Error& e) {
        h.messages.push_back(e.what());
        if (failure) failure->emplace(e);
        return nullptr;
    }
}

detail::CredentialData stand_in() {
    detail::CredentialData c;
    c.token = "provider-check-token";
    c.refresh_token = "provider-check-refresh-token";
    c.expires_at_ms = util::now_ms() + 3600'000;
    c.obtained_at_ms = util::now_ms();
    return c;
}

Verdict missing_options(std::shared_ptr<provider::LoadedProvider> p) {
    int required = 0;
    for (const auto& o : p->schema()) {
        if (!o.required) continue;
        ++required;
        auto values = all_values(*p, plausible);
        values.erase(o.key);
        Harness h;
        std::optional<Error> failure;
        if (create(h, p, values, &failure))
            return {false, "create accepted a site without required option '" + o.key + "'"};
        if (failure->kind() != ErrorKind::config)
            return {false, "create without '" + o.key +
                               "' failed, but not as a configuration error: " + failure->what()};
    }
    return {true, required ? std::to_string(required) + " required options, each refused"
                           : "no required options"};
}

Verdict invalid_options(std::shared_ptr<provider::LoadedProvider> p) {
    Harness h;
    std::optional<Error> failure;
    auto instance = create(h, p, all_values(*p, nonsense), &failure);
    if (instance) return {true, "create accepted them (acquire will judge)"};
    std::string m = failure->what();
    if (m.find("failed without a message") != std::string::npos ||
        m.find("create failed") != std::string::npos)
        return {false, "create failed without saying why"};
    return {true, "refused: " + m};
}

// Every entry point once, offline: each must come back with a status.
Verdict no_exception(std::shared_ptr<provider::LoadedProvider> p) {
    Harness h;
    auto instance = create(h, p, all_values(*p, plausible));
    if (!instance) return {true, "create refused the stand-in options cleanly"};
    std::vector<std::string> silent;
    auto check = [&](const char* what, const provider::ProviderResult& r) {
        if (r.status != LATCHKEY_OK && r.message == "failed without a message")
            silent.push_back(what);
    };
    check("acquire", instance->acquire());
    auto current = stand_in();
    if (instance->can_refresh()) check("refresh", instance->refresh(current));
    instance->expired(current, util::now_ms());
    std::string json;
    if (instance->can_whoami()) check("whoami", instance->whoami(current, json));
    if (instance->can_revoke()) check("revoke", instance->revoke(current));
    if (!silent.empty()) return {false, silent[0] + " failed without a message"};
    return {true, "every entry point returned a status"};
}

// The host puts "site 'NAME': " in front of every provider message; a
// provider that adds its own has it printed twice.
Verdict message_prefix(std::shared_ptr<provider::LoadedProvider> p) {
    Harness h;
    create(h, p, all_values(*p, nonsense));
    for (const auto& o : p->schema()) {
        if (!o.required) continue;
        auto values = all_values(*p, plausible);
        values.erase(o.key);
        create(h, p, values);
    }
    const std::string site = "site 'provider-check'";
    // create's messages come back with the host's prefix already on.
    for (const auto& m : h.messages) {
        size_t first = m.find(site);
        if (first != std::string::npos && m.find(site, first + 1) != std::string::npos)
            return {false, "create's message names the site itself, so it reads twice"};
    }
    if (auto instance = create(h, p, all_values(*p, plausible))) {
        const std::string m = instance->acquire().message;
        if (m.find(site) != std::string::npos)
            return {false, "acquire's message names the site itself, so it reads twice"};
    }
    return {true, "messages leave the site's name to the host"};
}

Verdict no_secret(std::shared_ptr<provider::LoadedProvider> p) {
    Harness h;
    auto plausible_values = all_values(*p, plausible);
    create(h, p, all_values(*p, nonsense));
    for (const auto& o : p->schema()) {
        if (!o.required) continue;
        auto values = plausible_values;
        values.erase(o.key);
        create(h, p, values);
    }
    if (auto instance = create(h, p, plausible_values)) {
        auto add = [&](const provider::ProviderResult& r) { h.messages.push_back(r.message); };
        add(instance->acquire());
    }
    std::vector<std::string> canaries;
    for (const auto& o : p->schema())
        if (o.secret) canaries.push_back(canary(o.key));
    for (const auto& m : h.messages)
        for (const auto& c : canaries)
            if (m.find(c) != std::string::npos)
                return {false, "a message holds the value of a secret (" +
                                   c.substr(15, c.size() - 20) + ")"};
    return {true,
            std::to_string(h.messages.size()) + " messages and log lines, none with a secret"};
}

// Under AddressSanitizer, LeakSanitizer judges at the child's exit what the
// cycles left unreachable (run_child_check); without it, the heap's growth
// over the cycles is the measure, which misses a leak of a few bytes.
Verdict no_leak(std::shared_ptr<provider::LoadedProvider> p) {
    const auto values = all_values(*p, plausible);
    auto cycle = [&] {
        Harness h;
        create(h, p, values);
    };
    for (int i = 0; i < 20; ++i) cycle();  // warm-up: first-use allocations
    const size_t before = mallinfo2().uordblks;
    constexpr int kCycles = 300;
    for (int i = 0; i < kCycles; ++i) cycle();
    const size_t after = mallinfo2().uordblks;
    if (under_leak_sanitizer())
        return {true, std::to_string(kCycles) + " create/destroy cycles, nothing left unreachable"};
    // A few bytes per cycle would be noise; a leak of one small string per
    // create is 300 times that.
    if (after > before + 16 * 1024)
        return {false, std::to_string((after - before) / kCycles) +
                           " bytes stay allocated per create/destroy"};
    return {true, std::to_string(kCycles) + " create/destroy cycles, no growth"};
}

Verdict live(std::shared_ptr<provider::LoadedProvider> p, const std::string& policy_path,
             const std::string& at) {
    auto policy = policy::Policy::load(policy_path);
    policy::Resolver resolver(policy, policy::Environment::from_process({}, policy.dotenv));
    const std::string name = resolver.select_site(at);
    if (resolver.provider_of(name) != p->name())
        return {false, "site '" + name + "' uses provider " + resolver.provider_of(name) +
                           ", not " + p->name()};
    provider::Services services;
    provider::ProviderInstance instance(p, resolver.resolve(name, p->schema()), services);
    auto got = instance.acquire();
    if (got.status != LATCHKEY_OK) return {false, "acquire: " + got.message};
    const auto& c = *got.credential;
    const int64_t now = util::now_ms();
    if (c.expires_at_ms && c.expires_at_ms <= now)
        return {false, "acquire returned a credential that has already expired"};
    if (instance.expired(c, now))
        return {false, "expired() says a credential just acquired has expired"};
    if (c.expires_at_ms && !instance.expired(c, c.expires_at_ms + 1))
        return {false, "expired() says the credential is still valid after its expiry"};
    std::string detail = "acquired; expired() agrees with its lifetime";
    if (instance.can_refresh() && !c.refresh_token.empty()) {
        auto renewed = instance.refresh(c);
        if (renewed.status != LATCHKEY_OK) return {false, "refresh: " + renewed.message};
        detail += "; refreshed";
    } else {
        detail += "; nothing to refresh";
    }
    return {true, detail};
}

constexpr const char* kLive = "live: acquire/refresh";
constexpr const char* kLeaks = "create/destroy leaks";

// The checks that call into the plugin, each run in a child of its own, in
// the order of the table.
struct ChildCheck {
    const char* name;
    Verdict (*run)(std::shared_ptr<provider::LoadedProvider>);
};
constexpr ChildCheck kChildChecks[] = {
    {"create: missing options", missing_options}, {"create: invalid options", invalid_options},
    {"no exception escapes", no_exception},       {"no secret in messages", no_secret},
    {"message prefix", message_prefix},           {kLeaks, no_leak},
};

// The child's side: `--run-check CHECK PATH.so [--policy P --at SITE]`.
int run_check(const std::string& check, const std::string& path, const std::string& policy,
              const std::string& at) {
    take_verdict_channel();
    Verdict v{false, "no check named '" + check + "'"};
    try {
        auto p = provider::load_provider(path);
        if (check == kLive) v = live(p, policy, at);
        for (auto& c : kChildChecks)
            if (check == c.name) v = c.run(p);
    } catch (const std::exception& e) {
        v = {false, std::string("an exception reached the host: ") + e.what()};
    }
    send_verdict(v.ok, v.detail);
    return 0;  // a normal exit: under ASan, LeakSanitizer runs now
}

int run(const std::string& path, const std::string& policy, const std::string& at) {
    Report report;
    std::shared_ptr<provider::LoadedProvider> p;
    try {
        p = provider::load_provider(path);
        report.pass("load", p->name() + " " + p->descriptor().version);
    } catch (const std::exception& e) {
        report.fail("load", e.what());
        std::cout << report.summary() << std::endl;
        return 1;
    }
    const latchkey_provider& d = p->descriptor();
    const std::string abi = std::to_string(d.abi_major) + "." + std::to_string(d.abi_minor);
    if (d.abi_minor > LATCHKEY_ABI_MINOR)
        report.fail("abi version", "built for ABI " + abi + ", newer than this checker's 1." +
                                       std::to_string(LATCHKEY_ABI_MINOR));
    else
        report.pass("abi version",
                    "ABI " + abi + ", descriptor of " + std::to_string(d.struct_size) + " bytes");

    const std::string stem = std::filesystem::path(path).stem().string();
    const std::string description = d.description ? d.description : "";
    if (stem != p->name())
        report.fail("descriptor", "the file is " + stem + ".so but the provider is named " +
                                      p->name() + " (latchkey looks for NAME.so)");
    else if (!d.version || !*d.version)
        report.fail("descriptor", "no version");
    else if (description.empty() || description.find('\n') != std::string::npos)
        report.fail("descriptor", "the description must be one line of text");
    else
        report.pass("descriptor", "name, version and description");

    auto rule = [&](const std::string& check, const Problems& problems, const std::string& ok) {
        if (problems.empty())
            report.pass(check, ok);
        else
            report.fail(check, problems.front() +
                                   (problems.size() > 1
                                        ? " (and " + std::to_string(problems.size() - 1) + " more)"
                                        : ""));
    };
    rule("option names", option_name_problems(p->schema()),
         std::to_string(p->schema().size()) + " options follow docs/option-names.md");
    rule("secrets flagged", unflagged_secrets(p->schema()), "every secret option is SECRET");
    rule("identity flagged", unflagged_identities(p->schema()),
         "every option that names a principal is IDENTITY");

    for (auto& c : kChildChecks) run_child_check(report, c.name, {path}, c.run == no_leak);
    if (!policy.empty())
        run_child_check(report, kLive, {path, "--policy", policy, "--at", at}, false);
    else
        report.skip(kLive, "no --policy and --at given");

    std::cout << report.summary() << std::endl;
    return report.failed() ? 1 : 0;
}

}  // namespace
}  // namespace latchkey::check

int main(int argc, char** argv) {
    const char* usage =
        "usage: latchkey-provider-check PATH.so [--policy POLICY.toml --at SITE]\n"
        "Checks a provider plugin against latchkey's rules; with a policy and a site,\n"
        "also against the live server that site names.\n";
    std::string path, policy, at, child_check;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::cout << usage;
            return 0;
        }
        if (i == 1 && a == latchkey::check::kRunCheck && argc > 2)
            child_check = argv[++i];
        else if ((a == "--policy" || a == "--at") && i + 1 < argc)
            (a == "--policy" ? policy : at) = argv[++i];
        else if (path.empty() && !a.empty() && a[0] != '-')
            path = a;
        else
            return std::cerr << "latchkey-provider-check: unexpected argument '" << a << "'\n"
                             << usage,
                   2;
    }
    if (path.empty() || policy.empty() != at.empty()) {
        std::cerr << usage;
        return 2;
    }
    if (!child_check.empty()) return latchkey::check::run_check(child_check, path, policy, at);
    return latchkey::check::run(path, policy, at);
}
