// Admin's store commands: what is stored where, moving a credential between
// backends, sealing, and whether the backends in use can be reached.
#include <algorithm>
#include <set>

#include "admin/parts.hpp"
#include "storage/sealed_storage.hpp"
#include "storage/key_space.hpp"

namespace latchkey::admin {

StorageEntry Admin::storage_entry(const std::string& site) {
    auto& host = parts_->host();
    auto& s = host.site(site);
    StorageEntry e;
    e.site = s.resolved.name;
    e.backend = s.tokens->storage_name();
    e.storage_key = s.tokens->storage_key();
    if (auto c = s.tokens->stored()) e.credential = without_secrets(*c);
    return e;
}

std::vector<StorageEntry> Admin::unused_entries(const std::vector<std::string>& sites,
                                                bool any_name) {
    auto& host = parts_->host();
    std::set<std::pair<std::string, std::string>> used;  // (backend, key)
    std::set<std::string> names;
    std::vector<storage::Storage*> backends;
    for (auto& name : sites) {
        auto& s = host.site(name);
        used.insert({s.tokens->storage_name(), s.tokens->storage_key()});
        names.insert(s.resolved.name);
        if (std::find(backends.begin(), backends.end(), s.storage) == backends.end())
            backends.push_back(s.storage);
    }
    std::vector<StorageEntry> out;
    for (auto* b : backends) {
        for (auto& key : b->keys()) {
            // A provider's cache is no identity (storage/key_space.hpp); an
            // old identity of a site keeps its name in SITE.HASH16.
            if (storage::is_cache_key(key)) continue;
            std::string owner = storage::site_of_key(key);
            if (used.count({b->name(), key}) || (!any_name && !names.count(owner))) continue;
            StorageEntry e;
            e.site = owner;
            e.backend = b->name();
            e.storage_key = key;
            e.unused = true;
            try {
                if (auto c = b->load(key)) e.credential = without_secrets(*c);
            } catch (const Error& err) {
                if (err.kind() != ErrorKind::storage) throw;
                e.unreadable = true;
            }
            out.push_back(std::move(e));
        }
    }
    return out;
}

void Admin::open_backend(const std::string& backend, const std::string& where) {
    parts_->host().storages().open(backend, where);
}

bool Admin::migrate(const std::string& site, const std::string& from, const std::string& to) {
    auto& host = parts_->host();
    auto& source = host.storages().open(from, "--from");
    auto& target = host.storages().open(to, "--to");
    auto& s = host.site(site);
    const std::string& key = s.tokens->storage_key();
    // Copy, verify, and only then erase: interrupted at any point, the
    // credential is still in at least one backend.
    auto held = source.lock(key);
    auto c = source.load(key);
    if (!c) return false;
    target.save(key, *c);
    auto copy = target.load(key);
    if (!copy || copy->token != c->token || copy->refresh_token != c->refresh_token ||
        copy->expires_at_ms != c->expires_at_ms)
        throw Error(ErrorKind::storage, "site '" + s.resolved.name + "': the copy in " + to +
                                            " does not read back the same; " + from + " keeps it");
    source.erase(key);
    return true;
}

SealReport Admin::seal(const std::vector<std::string>& sites, bool every_entry) {
    auto& host = parts_->host();
    SealReport report;
    // Each sealed backend once, with the keys to seal in it.
    std::vector<std::pair<storage::SealedStorage*, std::vector<std::string>>> work;
    for (auto& name : sites) {
        try {
            auto& s = host.site(name);
            auto* sealed = dynamic_cast<storage::SealedStorage*>(s.storage);
            if (!sealed || !sealed->sealing())
                throw Error(ErrorKind::config,
                            "site '" + s.resolved.name + "': its storage (" + s.tokens->storage_name() +
                                ") has no encryption_key; set [storage] encryption_key first");
            auto it =
                std::find_if(work.begin(), work.end(), [&](auto& w) { return w.first == sealed; });
            if (it == work.end()) it = work.insert(work.end(), {sealed, {}});
            if (!every_entry) it->second.push_back(s.tokens->storage_key());
        } catch (const Error& e) {
            report.errors.push_back(e.what());
        }
    }
    for (auto& [backend, keys] : work) {
        if (every_entry) keys = backend->keys();
        for (auto& key : keys) {
            try {
                auto held = backend->lock(key);
                using R = storage::SealedStorage::Resealed;
                using Result = SealReport::Entry::Result;
                switch (backend->reseal(key)) {
                    case R::sealed_plain:
                        report.entries.push_back({key, Result::sealed, backend->key_id()});
                        break;
                    case R::rotated:
                        report.entries.push_back({key, Result::resealed, backend->key_id()});
                        break;
                    case R::already:
                        report.entries.push_back({key, Result::already, backend->key_id()});
                        break;
                    case R::absent:
                        break;
                }
            } catch (const Error& e) {
                report.errors.push_back(e.what());
            }
        }
    }
    return report;
}

std::vector<BackendCheck> Admin::check_storage(const std::vector<std::string>& sites,
                                               bool policy_default) {
    auto& host = parts_->host();
    std::vector<BackendCheck> out;
    std::set<std::string> probed;
    auto probe = [&](storage::Storage& b) {
        if (!probed.insert(b.name() + "@" + b.location()).second) return;
        try {
            out.push_back({b.name(), b.check(), ""});
        } catch (const Error& e) {
            out.push_back({b.name(), "", e.what()});
        }
    };
    for (auto& name : sites) {
        try {
            probe(*host.site(name).storage);
        } catch (const Error& e) {
            out.push_back({name, "", e.what()});
        }
    }
    if (policy_default) {
        auto& policy = host.policy();
        try {
            probe(host.storages().open(policy.storage_backend.empty() ? "file" : policy.storage_backend,
                                   policy.storage_backend_pos.str()));
        } catch (const Error& e) {
            out.push_back({"[storage]", "", e.what()});
        }
    }
    return out;
}

}  // namespace latchkey::admin
