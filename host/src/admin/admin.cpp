// latchkey::admin::Admin: the policy, a site's description and its
// credentials, over HostImpl. Stores, plugins, `config check` and policy
// edits are in the other files of this folder.
#include "latchkey/admin.hpp"

#include "admin/parts.hpp"
#include "util/strings.hpp"

namespace latchkey::admin {

Admin::Admin(HostOptions options) : parts_(std::make_unique<Parts>(std::move(options))) {}
Admin::Admin(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Admin Admin::of(Host& host) { return Admin(std::make_unique<Parts>(host.impl_)); }
Admin::~Admin() = default;
Admin::Admin(Admin&&) noexcept = default;
Admin& Admin::operator=(Admin&&) noexcept = default;

void Admin::on_warning(std::function<void(const std::string&)> sink) {
    parts_->warn = std::move(sink);
}

std::string Admin::policy_path() { return parts_->host().policy().path(); }
bool Admin::policy_exists() { return parts_->host().policy().exists(); }
std::string Admin::selected_site() { return parts_->host().selected_site(); }

std::vector<std::string> Admin::sites() {
    std::vector<std::string> out;
    for (auto& s : parts_->host().policy().sites) out.push_back(s.name);
    return out;
}

std::string Admin::provider_of(const std::string& site) {
    return parts_->host().resolver().provider_of(site);
}

SiteDescription Admin::describe(const std::string& site) {
    auto& host = parts_->host();
    auto& s = host.site(site);
    auto& r = s.resolved;
    SiteDescription d;
    d.name = r.name;
    d.defined_at = r.pos.str();
    d.provider = r.provider;
    d.provider_path = s.provider->path();
    d.storage = s.tokens->storage_name();
    d.storage_key = s.tokens->storage_key();
    d.storage_location = s.storage->location();
    for (auto& [key, v] : r.values) {
        if (!v.set) continue;
        Value out;
        out.key = key;
        out.source = v.source;
        out.secret = v.secret;
        if (v.secret)
            out.text = "****";
        else if (v.is_list)
            out.text = "[" + util::join(v.list, ", ") + "]";
        else
            out.text = v.text;
        if (v.is_duration && !v.secret) out.duration_ms = v.ms;
        d.values.push_back(std::move(out));
    }
    if (r.allow) {
        d.allow.emplace();
        for (auto& rule : *r.allow) d.allow->push_back({rule.kind, rule.value, rule.pos.str()});
    }
    return d;
}

StoredCredential without_secrets(const detail::CredentialData& c) {
    StoredCredential out;
    out.expires_at_ms = c.expires_at_ms;
    out.obtained_at_ms = c.obtained_at_ms;
    out.refresh_at_ms = c.refresh_at_ms;
    out.has_refresh_token = !c.refresh_token.empty();
    for (auto& [k, v] : c.extras) out.extras.emplace_back(k, v);
    out.json_extras = c.json_extras;
    return out;
}

Credential Admin::token(const std::string& site) {
    auto& host = parts_->host();
    return host.site(site).tokens->token();
}

Credential Admin::token(const std::string& site, int64_t min_valid_ms) {
    return parts_->host().site(site).tokens->token_valid_for(min_valid_ms);
}

std::optional<Credential> Admin::cached(const std::string& site, int64_t min_valid_ms) {
    if (site.empty()) return std::nullopt;
    auto* s = parts_->host().built_site(site);
    if (!s) return std::nullopt;
    const Credential* c = s->tokens->slot().cached(min_valid_ms);
    if (!c) return std::nullopt;
    return *c;
}

Credential Admin::login(const std::string& site, bool force) {
    auto& host = parts_->host();
    return host.site(site).tokens->login(force);
}

std::optional<std::string> Admin::logout(const std::string& site) {
    auto& host = parts_->host();
    return host.site(site).tokens->logout();
}

void Admin::invalidate(const std::string& site, const std::string& refused_token) {
    auto& tokens = *parts_->host().site(site).tokens;
    if (refused_token.empty())
        tokens.forget();
    else
        tokens.refused(refused_token);
}

std::string Admin::whoami(const std::string& site) {
    auto& host = parts_->host();
    return host.site(site).tokens->whoami();
}

std::optional<StoredCredential> Admin::stored(const std::string& site) {
    auto& host = parts_->host();
    auto c = host.site(site).tokens->stored();
    if (!c) return std::nullopt;
    return without_secrets(*c);
}

}  // namespace latchkey::admin
