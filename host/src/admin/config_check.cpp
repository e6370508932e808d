// Admin::check_config: every site resolved against its provider, [defaults]
// against every provider's keys, and the warnings that are not errors.
#include <set>

#include "admin/parts.hpp"
#include "admin/plain_http_warnings.hpp"
#include "storage/sealed_storage.hpp"
#include "util/strings.hpp"

namespace latchkey::admin {

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
        throw policy::config_error_at(host.policy().pos_of(key),
                                      "unknown key '" + k +
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
            // Reported as a failure of the site.
        }
    }
    return out;
}

}  // namespace

ConfigCheck Admin::check_config() {
    auto& host = parts_->host();
    auto& policy = host.policy();
    if (!policy.exists())
        throw Error(ErrorKind::config,
                    policy.path() + " does not exist; pass --config FILE or create it");
    ConfigCheck out;
    out.config = policy.path();
    out.sites = policy.sites.size();
    std::set<std::string> known;
    for (auto& h : policy::host_site_options()) known.insert(h.key);
    for (auto& s : policy.sites) {
        try {
            auto& st = host.site(s.name);
            for (auto& o : st.provider->schema()) known.insert(o.key);
            for (auto& w : plain_http_warnings(st.resolved)) out.warnings.push_back(w);
        } catch (const Error& e) {
            out.failures.emplace_back(s.name, e.what());
        }
    }
    try {
        check_defaults(host, known);
    } catch (const Error& e) {
        out.failures.emplace_back("[defaults]", e.what());
    }
    for (auto& w : unsealed_shared_stores(host)) out.warnings.push_back(w);
    return out;
}

}  // namespace latchkey::admin
