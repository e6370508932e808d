#include "latchkey/host.hpp"

#include "host_impl.hpp"

namespace latchkey {

namespace {

// A site's handle (Host::slot_of): its route when the host asks a running
// agent, else the site itself.
site::Site& site_at(void* handle) { return *static_cast<site::Site*>(handle); }
site::SiteRoute& route_at(void* handle) { return *static_cast<site::SiteRoute*>(handle); }

const Credential& borrow_at(HostImpl& host, void* handle) {
    if (host.asks_agent()) return route_at(handle).borrow();
    return site_at(handle).tokens->slot().borrow();
}

Credential token_at(HostImpl& host, void* handle, std::chrono::milliseconds min_valid) {
    if (host.asks_agent()) return route_at(handle).token_valid_for(min_valid.count());
    return site_at(handle).tokens->token_valid_for(min_valid.count());
}

}  // namespace

Host::Host(std::shared_ptr<HostImpl> impl) : impl_(std::move(impl)) {}

Host Host::open(HostOptions options) {
    // Applications keep tokens in memory unless the policy or the caller
    // says otherwise; the command line asks for the shared file store.
    if (!options.storage) options.storage = "memory";
    return Host(std::make_shared<HostImpl>(std::move(options)));
}

void* Host::slot_of(std::string_view site) {
    if (impl_->asks_agent()) return &impl_->route(site);
    return &impl_->site(site);
}

Credential Host::token(std::string_view site) { return borrow(site); }

Credential Host::token(std::string_view site, std::chrono::milliseconds min_valid) {
    return token_at(*impl_, slot_of(site), min_valid);
}

const Credential& Host::borrow(std::string_view site) { return borrow_at(*impl_, slot_of(site)); }

Site Host::site(std::string_view name) {
    Site s;
    s.host_ = impl_;
    s.slot_ = slot_of(name);
    return s;
}

void Host::invalidate(std::string_view site, std::string_view refused_token) {
    if (impl_->asks_agent()) return impl_->route(site).refused(refused_token);
    impl_->site(site).tokens->refused(refused_token);
}

void Host::invalidate(std::string_view site) {
    if (impl_->asks_agent()) return impl_->route(site).forget();
    impl_->site(site).tokens->forget();
}

std::string Host::selected_site() const { return impl_->selected_site(); }

std::vector<std::string> Host::sites() const {
    std::vector<std::string> out;
    for (auto& s : impl_->policy().sites) out.push_back(s.name);
    return out;
}

Credential Site::token() const { return borrow(); }

Credential Site::token(std::chrono::milliseconds min_valid) const {
    return token_at(*host_, slot_, min_valid);
}

const Credential& Site::borrow() const { return borrow_at(*host_, slot_); }

const std::string& Site::name() const {
    return host_->asks_agent() ? route_at(slot_).name() : site_at(slot_).name();
}

}  // namespace latchkey
