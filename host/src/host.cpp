#include "latchkey/host.hpp"

#include "host_impl.hpp"

namespace latchkey {

namespace {

site::Site& site_at(void* handle) { return *static_cast<site::Site*>(handle); }

}  // namespace

Host::Host(std::shared_ptr<HostImpl> impl) : impl_(std::move(impl)) {}

Host Host::open(HostOptions options) {
    // Applications keep tokens in memory unless the policy or the caller
    // says otherwise; the command line asks for the shared file store.
    if (!options.storage) options.storage = "memory";
    return Host(std::make_shared<HostImpl>(std::move(options)));
}

void* Host::slot_of(std::string_view site) { return &impl_->site(site); }

Credential Host::token(std::string_view site) { return borrow(site); }

Credential Host::token(std::string_view site, std::chrono::milliseconds min_valid) {
    return site_at(slot_of(site)).tokens->token_valid_for(min_valid.count());
}

const Credential& Host::borrow(std::string_view site) {
    return site_at(slot_of(site)).tokens->slot().borrow();
}

Site Host::site(std::string_view name) {
    Site s;
    s.host_ = impl_;
    s.slot_ = slot_of(name);
    return s;
}

void Host::invalidate(std::string_view site, std::string_view refused_token) {
    site_at(slot_of(site)).tokens->refused(refused_token);
}

void Host::invalidate(std::string_view site) { site_at(slot_of(site)).tokens->forget(); }

std::string Host::selected_site() const { return impl_->selected_site(); }

std::vector<std::string> Host::sites() const {
    std::vector<std::string> out;
    for (auto& s : impl_->policy().sites) out.push_back(s.name);
    return out;
}

Credential Site::token() const { return borrow(); }

Credential Site::token(std::chrono::milliseconds min_valid) const {
    return site_at(slot_).tokens->token_valid_for(min_valid.count());
}

const Credential& Site::borrow() const { return site_at(slot_).tokens->slot().borrow(); }

const std::string& Site::name() const { return site_at(slot_).name(); }

}  // namespace latchkey
