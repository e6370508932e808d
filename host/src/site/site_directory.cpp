#include "site/site_directory.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

#include "util/strings.hpp"

namespace latchkey::site {

namespace {

// The last site (and route) this thread asked for by name, so that asking by
// name again costs a comparison: no allocation, no lock, no reference count.
// Plain data in initial-exec TLS: one %fs-relative access. A directory is
// told by its serial, never reused, so a later one at the same address never
// matches.
struct NameMemo {
    uint64_t directory;  // 0: empty
    void* item;
    size_t size;
    char name[48];  // longer names are not remembered
};
constinit thread_local NameMemo last_site __attribute__((tls_model("initial-exec"))) = {};
constinit thread_local NameMemo last_route __attribute__((tls_model("initial-exec"))) = {};

std::atomic<uint64_t> next_serial{1};

// Site names are short: a loop beats a call to memcmp.
bool same_name(const NameMemo& m, std::string_view name) {
    if (m.size != name.size()) return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (m.name[i] != name[i]) return false;
    return true;
}

// What `m` remembers for `name` in the directory `serial`, or null.
template <class T>
T* recall(const NameMemo& m, uint64_t serial, std::string_view name) {
    return m.directory == serial && same_name(m, name) ? static_cast<T*>(m.item) : nullptr;
}

void remember(NameMemo& m, uint64_t serial, std::string_view name, void* item) {
    if (name.size() > sizeof m.name) return;
    m.directory = serial;
    m.item = item;
    m.size = name.size();
    // Not memcpy: an empty name (the selected site) may have a null data(),
    // and memcpy from null is undefined even for zero bytes.
    name.copy(m.name, name.size());
}

}  // namespace

SiteDirectory::SiteDirectory(SiteBuilder& builder, const policy::Resolver& resolver,
                             std::optional<std::string> chosen, const AgentAddress* agent,
                             const provider::Services& services)
    : builder_(builder),
      resolver_(resolver),
      chosen_(std::move(chosen)),
      serial_(next_serial++),
      agent_(agent),
      services_(services) {}

SiteDirectory::~SiteDirectory() = default;

std::string SiteDirectory::selected() const { return resolver_.select_site(chosen_); }

Site& SiteDirectory::get(std::string_view name) {
    if (Site* site = recall<Site>(last_site, serial_, name)) return *site;
    Site& site = build(name.empty() ? selected() : std::string(name));
    remember(last_site, serial_, name, &site);
    return site;
}

Site* SiteDirectory::built(std::string_view name) {
    if (Site* site = recall<Site>(last_site, serial_, name)) return site;
    std::lock_guard lock(mu_);
    auto it = sites_.find(name);
    return it == sites_.end() ? nullptr : it->second.get();
}

SiteRoute& SiteDirectory::route(std::string_view name) {
    if (SiteRoute* route = recall<SiteRoute>(last_route, serial_, name)) return *route;
    std::string site = name.empty() ? selected() : std::string(name);
    SiteRoute* route = nullptr;
    {
        std::lock_guard lock(mu_);
        if (auto it = routes_.find(site); it != routes_.end()) route = it->second.get();
    }
    if (!route) {
        // Checked first as building the site checks it (the resolver's word
        // on an unknown site), so a host that asks an agent fails alike.
        resolver_.provider_of(site);
        std::lock_guard lock(mu_);
        auto& r = routes_[site];
        if (!r) r = std::make_unique<SiteRoute>(site, *agent_, *this, services_);
        route = r.get();
    }
    remember(last_route, serial_, name, route);
    return *route;
}

Site& SiteDirectory::build(const std::string& name) {
    {
        std::lock_guard lock(mu_);
        auto it = sites_.find(name);
        if (it != sites_.end()) return *it->second;
    }
    // Built outside the lock: building may load a plugin or start a helper,
    // and a provider's fetch_site may ask for another site meanwhile.
    auto site = builder_.build(name, *this);
    std::lock_guard lock(mu_);
    auto [it, inserted] = sites_.emplace(name, std::move(site));
    return *it->second;
}

detail::CredentialData SiteDirectory::credential_for(const std::string& from,
                                                     const std::string& name) {
    // The sites being fetched on this thread, outermost first: a source that
    // leads back to one of them would wait on its own single flight forever.
    thread_local std::vector<std::string> in_progress;
    std::vector<std::string> path = in_progress;
    path.push_back(from);
    if (std::find(path.begin(), path.end(), name) != path.end()) {
        path.push_back(name);
        throw Error(ErrorKind::config, "site '" + from + "': sources lead back to site '" + name +
                                           "' (" + util::join(path, " -> ") +
                                           "); remove the loop from the policy");
    }
    in_progress.push_back(from);
    struct Pop {
        ~Pop() { in_progress.pop_back(); }
    } pop;
    return get(name).tokens->shared_copy();
}

}  // namespace latchkey::site
