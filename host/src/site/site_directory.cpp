#include "site/site_directory.hpp"

#include <algorithm>
#include <atomic>
#include <vector>

#include "util/strings.hpp"

namespace latchkey::site {

namespace {

// The last site this thread asked for by name, so that asking by name again
// costs a comparison: no allocation, no lock, no reference count. Plain
// data in initial-exec TLS: one %fs-relative access. A directory is told by
// its serial, never reused, so a later one at the same address never matches.
struct NameMemo {
    uint64_t directory;  // 0: empty
    Site* site;
    size_t size;
    char name[48];  // longer names are not remembered
};
constinit thread_local NameMemo last_lookup __attribute__((tls_model("initial-exec"))) = {};

std::atomic<uint64_t> next_serial{1};

// Site names are short: a loop beats a call to memcmp.
bool same_name(const NameMemo& m, std::string_view name) {
    if (m.size != name.size()) return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (m.name[i] != name[i]) return false;
    return true;
}

}  // namespace

SiteDirectory::SiteDirectory(SiteBuilder& builder, const policy::Resolver& resolver,
                             std::optional<std::string> chosen)
    : builder_(builder), resolver_(resolver), chosen_(std::move(chosen)), serial_(next_serial++) {}

SiteDirectory::~SiteDirectory() = default;

std::string SiteDirectory::selected() const { return resolver_.select_site(chosen_); }

Site& SiteDirectory::get(std::string_view name) {
    NameMemo& m = last_lookup;
    if (m.directory == serial_ && same_name(m, name)) return *m.site;
    Site& site = build(name.empty() ? selected() : std::string(name));
    if (name.size() <= sizeof m.name) {
        m.directory = serial_;
        m.site = &site;
        m.size = name.size();
        // Not memcpy: an empty name (the selected site) may have a null data(),
        // and memcpy from null is undefined even for zero bytes.
        name.copy(m.name, name.size());
    }
    return site;
}

Site* SiteDirectory::built(std::string_view name) {
    const NameMemo& m = last_lookup;
    if (m.directory == serial_ && same_name(m, name)) return m.site;
    std::lock_guard lock(mu_);
    auto it = sites_.find(name);
    return it == sites_.end() ? nullptr : it->second.get();
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
