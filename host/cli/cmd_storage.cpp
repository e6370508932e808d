// `latchkey storage list|migrate|check|seal`: what is stored where, moving
// credentials between backends, whether a backend can be used, sealing what
// a store holds. Never prints a secret.
#include <algorithm>
#include <iostream>
#include <set>

#include "command.hpp"
#include "util/clock.hpp"

namespace latchkey::cli {

namespace {

std::string state_of(const std::optional<detail::CredentialData>& c, int64_t now) {
    if (!c) return "-";
    if (!c->expires_at_ms) return "valid, no expiry";
    if (c->expired_at(now)) return "expired " + human_duration(c->expires_at_ms - now);
    return "expires in " + human_duration(c->expires_at_ms - now);
}

int list(Context& ctx) {
    po::options_description desc("storage list");
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage list", "storage list", desc, vm)) return 0;
    auto& host = ctx.host();
    int64_t now = util::now_ms();
    struct Row {
        std::string site, backend, key, state, expires_at;
    };
    std::vector<Row> rows;
    std::set<std::pair<std::string, std::string>> seen;  // (backend, key) already listed
    std::set<storage::Storage*> backends;
    int rc = 0;
    for (auto& name : ctx.site_names(!ctx.host_options.site)) {
        try {
            auto& s = host.site(name);
            auto c = s.tokens->stored();
            rows.push_back({name, s.tokens->storage_name(), s.tokens->storage_key(),
                            c ? state_of(c, now) : "not stored",
                            c && c->expires_at_ms ? iso_time(c->expires_at_ms) : ""});
            seen.insert({s.tokens->storage_name(), s.tokens->storage_key()});
            backends.insert(s.storage);
        } catch (const Error& e) {
            std::cerr << "latchkey: " << display(e.what()) << std::endl;
            rc = 1;
        }
    }
    // Entries no configured identity uses any more (an old client id, say).
    for (auto* b : backends) {
        for (auto& key : b->keys()) {
            if (seen.count({b->name(), key})) continue;
            std::optional<detail::CredentialData> c;
            std::string state;
            try {
                c = b->load(key);
                state = state_of(c, now);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::storage) throw;
                state = "cannot be read";  // sealed under another key, damaged
            }
            rows.push_back({key.substr(0, key.find('.')) + " (unused identity)", b->name(), key,
                            state, c && c->expires_at_ms ? iso_time(c->expires_at_ms) : ""});
        }
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.w().Key("entries");
        j.w().StartArray();
        for (auto& r : rows) {
            j.w().StartObject();
            j.key_string("site", r.site);
            j.key_string("backend", r.backend);
            j.key_string("storage_key", r.key);
            j.key_string("state", r.state);
            if (!r.expires_at.empty()) j.key_string("expires_at", r.expires_at);
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return rc;
    }
    std::vector<std::vector<std::string>> table{{"SITE", "BACKEND", "STORAGE KEY", "STATE"}};
    for (auto& r : rows) table.push_back({r.site, r.backend, r.key, r.state});
    print_table(table);
    return rc;
}

int migrate(Context& ctx) {
    po::options_description desc("storage migrate");
    std::string from, to;
    desc.add_options()("from", po::value<std::string>(&from)->required(),
                       "backend to move credentials out of")(
        "to", po::value<std::string>(&to)->required(), "backend to move them into");
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage migrate",
                               "storage migrate --from A --to B [--at SITE]", desc, vm))
        return 0;
    if (from == to)
        throw Error(ErrorKind::usage, "storage migrate: --from and --to are both '" + from + "'");
    auto& host = ctx.host();
    auto& source = host.storages().open(from, "--from");
    auto& target = host.storages().open(to, "--to");
    int moved = 0, absent = 0, rc = 0;
    for (auto& name : ctx.site_names(!ctx.host_options.site)) {
        try {
            auto& s = host.site(name);
            const std::string& key = s.tokens->storage_key();
            // Copy, verify, and only then erase: interrupted at any point,
            // the credential is still in at least one backend.
            auto held = source.lock(key);
            auto c = source.load(key);
            if (!c) {
                ++absent;
                if (ctx.format == Format::text)
                    std::cout << name << ": nothing stored in " << display(from) << "\n";
                continue;
            }
            target.save(key, *c);
            auto copy = target.load(key);
            if (!copy || copy->token != c->token || copy->refresh_token != c->refresh_token ||
                copy->expires_at_ms != c->expires_at_ms)
                throw Error(ErrorKind::storage, "site '" + name + "': the copy in " + to +
                                                    " does not read back the same; " + from +
                                                    " keeps it");
            source.erase(key);
            ++moved;
            if (ctx.format == Format::text)
                std::cout << name << ": moved from " << display(from) << " to " << display(to)
                          << "\n";
        } catch (const Error& e) {
            std::cerr << "latchkey: " << display(e.what()) << std::endl;
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
        if (moved && !ctx.host_options.site)
            std::cout << "set [storage] backend = \"" << display(to) << "\" in "
                      << display(host.policy().path())
                      << " so latchkey uses it from now on" << std::endl;
    }
    return rc;
}

// Seals what each sealed backend in use holds under its current key: plain
// values (a key was just set) and values sealed under a previous key (a
// rotation). Every entry of the backend, unused identities included.
int seal(Context& ctx) {
    po::options_description desc("storage seal");
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage seal", "storage seal [--at SITE]", desc, vm)) return 0;
    auto& host = ctx.host();
    std::vector<storage::SealedStorage*> backends;
    int rc = 0;
    for (auto& name : ctx.site_names(!ctx.host_options.site)) {
        try {
            auto* sealed = dynamic_cast<storage::SealedStorage*>(host.site(name).storage);
            if (!sealed || !sealed->sealing())
                throw Error(ErrorKind::config,
                            "site '" + name + "': its storage (" + host.site(name).tokens->storage_name() +
                                ") has no encryption_key; set [storage] encryption_key first");
            if (std::find(backends.begin(), backends.end(), sealed) == backends.end())
                backends.push_back(sealed);
        } catch (const Error& e) {
            std::cerr << "latchkey: " << e.what() << std::endl;
            rc = 1;
        }
    }
    int sealed_plain = 0, rotated = 0, already = 0;
    for (auto* b : backends) {
        for (auto& key : ctx.host_options.site ? std::vector<std::string>{host.site("").tokens->storage_key()}
                                               : b->keys()) {
            try {
                auto held = b->lock(key);
                switch (b->reseal(key)) {
                    case storage::SealedStorage::Resealed::sealed_plain:
                        ++sealed_plain;
                        if (ctx.format == Format::text)
                            std::cout << key << ": sealed under key id " << b->key_id() << "\n";
                        break;
                    case storage::SealedStorage::Resealed::rotated:
                        ++rotated;
                        if (ctx.format == Format::text)
                            std::cout << key << ": re-sealed under key id " << b->key_id() << "\n";
                        break;
                    case storage::SealedStorage::Resealed::already:
                        ++already;
                        break;
                    case storage::SealedStorage::Resealed::absent:
                        break;
                }
            } catch (const Error& e) {
                std::cerr << "latchkey: " << e.what() << std::endl;
                rc = 1;
            }
        }
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_int("sealed", sealed_plain);
        j.key_int("resealed", rotated);
        j.key_int("already_sealed", already);
        j.key_bool("ok", rc == 0);
        j.w().EndObject();
        j.print();
    } else {
        std::cout << sealed_plain << " sealed, " << rotated << " re-sealed, " << already
                  << " already sealed under the current key" << std::endl;
    }
    return rc;
}

int check(Context& ctx) {
    po::options_description desc("storage check");
    po::variables_map vm;
    if (!parse_command_options(ctx, "storage check", "storage check", desc, vm)) return 0;
    auto& host = ctx.host();
    // Every backend some site uses, plus the policy's default.
    std::vector<std::pair<std::string, std::string>> results;  // (line, error)
    std::set<std::string> names;
    int rc = 0;
    auto probe = [&](storage::Storage& b) {
        if (!names.insert(b.name() + "@" + b.location()).second) return;
        try {
            results.emplace_back(b.check(), "");
        } catch (const Error& e) {
            results.emplace_back(b.name(), e.what());
            rc = 1;
        }
    };
    for (auto& name : ctx.site_names(!ctx.host_options.site)) {
        try {
            probe(*host.site(name).storage);
        } catch (const Error& e) {
            results.emplace_back(name, e.what());
            rc = 1;
        }
    }
    if (!ctx.host_options.site && host.policy().sites.empty()) {
        try {
            probe(host.storages().open(
                host.policy().storage_backend.empty() ? "file" : host.policy().storage_backend,
                host.policy().storage_backend_pos.str()));
        } catch (const Error& e) {
            results.emplace_back("[storage]", e.what());
            rc = 1;
        }
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_bool("ok", rc == 0);
        j.w().Key("backends");
        j.w().StartArray();
        for (auto& [line, err] : results) {
            j.w().StartObject();
            j.key_string(err.empty() ? "status" : "backend", line);
            if (!err.empty()) j.key_string("error", err);
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return rc;
    }
    for (auto& [line, err] : results) {
        if (err.empty())
            std::cout << "ok: " << display(line) << "\n";
        else
            std::cerr << "latchkey: " << display(err) << "\n";
    }
    std::cout.flush();
    return rc;
}

}  // namespace

std::vector<Command> storage_commands() {
    return {
        {"storage list",
         "what is stored, per site: backend, storage key, expiry (never the secret)", list},
        {"storage migrate", "move credentials between backends: copy, verify, then erase", migrate},
        {"storage check", "can the configured backends be reached and are their permissions right",
         check},
        {"storage seal",
         "seal stored credentials under the current encryption_key (after setting or rotating it)",
         seal}};
}

}  // namespace latchkey::cli
