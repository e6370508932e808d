// `latchkey storage list|migrate|check|seal`: what is stored where, moving
// credentials between backends, whether a backend can be used, sealing what
// a store holds. Never prints a secret. Each acts on the selected site, or
// with --all on every site of the policy.
#include <iostream>

#include "colour.hpp"
#include "command.hpp"

namespace latchkey::cli {

namespace {

std::string state_of(const std::optional<admin::StoredCredential>& c, int64_t now) {
    if (!c) return "-";
    if (!c->expires_at_ms) return "valid, no expiry";
    if (c->expired_at(now)) return "expired " + human_duration(c->expires_at_ms - now);
    return "expires in " + human_duration(c->expires_at_ms - now);
}

int list(Context& ctx) {
    po::options_description desc("storage list");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage list", "storage list [--all]", desc, vm)) return 0;
    auto& admin = ctx.admin();
    bool all = vm.count("all") > 0;
    int64_t now = admin::now_ms();
    std::vector<admin::StorageEntry> entries;
    std::vector<std::string> listed;
    int rc = 0;
    for (auto& name : ctx.site_names(all)) {
        try {
            entries.push_back(admin.storage_entry(name));
            listed.push_back(name);
        } catch (const Error& e) {
            std::cerr << error_prefix() << display(e.what()) << std::endl;
            rc = 1;
        }
    }
    // Entries no configured identity uses any more (an old client id, say):
    // the listed sites' own, or with --all every one in their backends.
    for (auto& e : admin.unused_entries(listed, all)) entries.push_back(e);
    auto state = [&](const admin::StorageEntry& e) {
        if (e.unreadable)
            return std::string("cannot be read");  // sealed under another key, damaged
        if (!e.credential) return std::string(e.unused ? "-" : "not stored");
        return state_of(e.credential, now);
    };
    auto site = [](const admin::StorageEntry& e) {
        return e.unused ? e.site + " (unused identity)" : e.site;
    };
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.w().Key("entries");
        j.w().StartArray();
        for (auto& e : entries) {
            j.w().StartObject();
            j.key_string("site", site(e));
            j.key_string("backend", e.backend);
            j.key_string("storage_key", e.storage_key);
            j.key_string("state", state(e));
            if (e.credential && e.credential->expires_at_ms)
                j.key_string("expires_at", iso_time(e.credential->expires_at_ms));
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return rc;
    }
    std::vector<std::vector<std::string>> table{{"SITE", "BACKEND", "STORAGE KEY", "STATE"}};
    for (auto& e : entries) table.push_back({site(e), e.backend, e.storage_key, state(e)});
    print_table(table);
    return rc;
}

int migrate(Context& ctx) {
    po::options_description desc("storage migrate");
    std::string from, to;
    desc.add_options()("from", po::value<std::string>(&from)->required(),
                       "backend to move credentials out of")(
        "to", po::value<std::string>(&to)->required(), "backend to move them into");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage migrate", "storage migrate --from A --to B [--all]",
                               desc, vm))
        return 0;
    if (from == to)
        throw Error(ErrorKind::usage, "storage migrate: --from and --to are both '" + from + "'");
    auto& admin = ctx.admin();
    admin.open_backend(from, "--from");
    admin.open_backend(to, "--to");
    bool all = vm.count("all") > 0;
    int moved = 0, absent = 0, rc = 0;
    for (auto& name : ctx.site_names(all)) {
        try {
            if (admin.migrate(name, from, to)) {
                ++moved;
                if (ctx.format == Format::text)
                    std::cout << name << ": moved from " << display(from) << " to " << display(to)
                              << "\n";
            } else {
                ++absent;
                if (ctx.format == Format::text)
                    std::cout << name << ": nothing stored in " << display(from) << "\n";
            }
        } catch (const Error& e) {
            std::cerr << error_prefix() << display(e.what()) << std::endl;
            rc = 1;
        }
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("from", from);
        j.key_string("to", to);
        j.key_int("moved", moved);
        j.key_int("absent", absent);
        j.key_bool("ok", rc == 0);
        j.w().EndObject();
        j.print();
    } else {
        std::cout << moved << " moved, " << absent << " not stored" << std::endl;
        if (moved && all)
            std::cout << "set [storage] backend = \"" << display(to) << "\" in "
                      << display(admin.policy_path()) << " so latchkey uses it from now on"
                      << std::endl;
    }
    return rc;
}

// Seals what the site's sealed backend holds for it (--all: every entry of
// the backends in use, unused identities included) under the current key:
// plain values (a key was just set) and values sealed under a previous key
// (a rotation).
int seal(Context& ctx) {
    po::options_description desc("storage seal");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage seal", "storage seal [--all]", desc, vm)) return 0;
    bool all = vm.count("all") > 0;
    admin::SealReport report = ctx.admin().seal(ctx.site_names(all), all);
    int counts[3] = {0, 0, 0};
    using Result = admin::SealReport::Entry::Result;
    for (auto& e : report.entries) {
        ++counts[static_cast<int>(e.result)];
        if (ctx.format == Format::text && e.result != Result::already)
            std::cout << e.storage_key
                      << (e.result == Result::sealed ? ": sealed under key id "
                                                     : ": re-sealed under key id ")
                      << e.key_id << "\n";
    }
    for (auto& err : report.errors) std::cerr << error_prefix() << display(err) << std::endl;
    int rc = report.errors.empty() ? 0 : 1;
    int sealed = counts[static_cast<int>(Result::sealed)];
    int resealed = counts[static_cast<int>(Result::resealed)];
    int already = counts[static_cast<int>(Result::already)];
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_int("sealed", sealed);
        j.key_int("resealed", resealed);
        j.key_int("already_sealed", already);
        j.key_bool("ok", rc == 0);
        j.w().EndObject();
        j.print();
    } else {
        std::cout << sealed << " sealed, " << resealed << " re-sealed, " << already
                  << " already sealed under the current key" << std::endl;
    }
    return rc;
}

int check(Context& ctx) {
    po::options_description desc("storage check");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage check", "storage check [--all]", desc, vm)) return 0;
    auto& admin = ctx.admin();
    // A policy without sites still has a store: its [storage] backend.
    bool no_sites = admin.sites().empty();
    auto results = admin.check_storage(
        no_sites ? std::vector<std::string>{} : ctx.site_names(vm.count("all") > 0), no_sites);
    int rc = 0;
    for (auto& r : results)
        if (!r.error.empty()) rc = 1;
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_bool("ok", rc == 0);
        j.w().Key("backends");
        j.w().StartArray();
        for (auto& r : results) {
            j.w().StartObject();
            if (r.error.empty()) {
                j.key_string("status", r.status);
            } else {
                j.key_string("backend", r.name);
                j.key_string("error", r.error);
            }
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return rc;
    }
    for (auto& r : results) {
        if (r.error.empty())
            std::cout << "ok: " << display(r.status) << "\n";
        else
            std::cerr << error_prefix() << display(r.error) << "\n";
    }
    std::cout.flush();
    return rc;
}

}  // namespace

std::vector<Command> storage_commands() {
    return {
        {"storage list",
         "what is stored for the site (--all: every site): backend, storage key, expiry", list},
        {"storage migrate", "move credentials between backends: copy, verify, then erase", migrate},
        {"storage check", "can the site's backend be reached and are its permissions right", check},
        {"storage seal",
         "seal the stored credential under the current encryption_key (after setting or "
         "rotating it)",
         seal}};
}

}  // namespace latchkey::cli
