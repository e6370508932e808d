#include "site/site_provider.hpp"

namespace latchkey::site {

SiteProviderHandle::SiteProviderHandle(std::shared_ptr<provider::LoadedProvider> in_process)
    : in_process_(std::move(in_process)) {}

SiteProviderHandle::SiteProviderHandle(std::unique_ptr<isolation::IsolatedProvider> isolated)
    : isolated_(std::move(isolated)) {}

SiteProviderHandle::~SiteProviderHandle() {
    // The provider object goes before the plugin that made it (unmapped when
    // the last LoadedProvider reference goes).
    instance_.reset();
    isolated_.reset();
}

const std::string& SiteProviderHandle::path() const {
    return isolated_ ? isolated_->path() : in_process_->path();
}

const std::vector<policy::OptionSpec>& SiteProviderHandle::schema() const {
    return isolated_ ? isolated_->schema() : in_process_->schema();
}

bool SiteProviderHandle::has_expired_hook() const {
    return isolated_ ? isolated_->has_expired() : in_process_->descriptor().expired != nullptr;
}

bool SiteProviderHandle::can_refresh() const {
    return isolated_ ? isolated_->can_refresh() : in_process_->descriptor().refresh != nullptr;
}

bool SiteProviderHandle::can_revoke() const { return instance().can_revoke(); }

bool SiteProviderHandle::can_whoami() const { return instance().can_whoami(); }

void SiteProviderHandle::prepare(const policy::ResolvedSite& site, provider::Services& services,
                                 provider::SiteLinks links) {
    std::lock_guard lock(mu_);
    site_ = &site;
    services_ = &services;
    links_ = std::move(links);
}

provider::SiteProvider& SiteProviderHandle::instance() const {
    std::lock_guard lock(mu_);
    if (isolated_) {
        if (!isolated_bound_) isolated_->bind(*site_, links_);
        isolated_bound_ = true;
        return *isolated_;
    }
    if (!instance_)
        instance_ =
            std::make_unique<provider::ProviderInstance>(in_process_, *site_, *services_, links_);
    return *instance_;
}

}  // namespace latchkey::site
