#include "latchkey/host.hpp"

#include "host_impl.hpp"

namespace latchkey {

Host Host::open(HostOptions options) {
    // Applications keep tokens in memory unless the policy or the caller
    // says otherwise; the command line asks for the shared file store.
    if (!options.storage) options.storage = "memory";
    return Host(std::make_shared<HostImpl>(std::move(options)));
}

Credential Host::token(std::string_view site) {
    return impl_->token(impl_->site(std::string(site)));
}

Site Host::site(std::string_view name) {
    Site s;
    s.host_ = impl_;
    s.slot_ = &impl_->site(std::string(name));
    return s;
}

void Host::invalidate(std::string_view site) { impl_->forget(impl_->site(std::string(site))); }

std::string Host::selected_site() const { return impl_->selected_site(); }

std::vector<std::string> Host::sites() const {
    std::vector<std::string> out;
    for (auto& s : impl_->policy().sites) out.push_back(s.name);
    return out;
}

Credential Site::token() const { return host_->token(*static_cast<SiteState*>(slot_)); }

const std::string& Site::name() const { return static_cast<SiteState*>(slot_)->resolved.name; }

}  // namespace latchkey
