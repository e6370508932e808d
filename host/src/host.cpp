#include "latchkey/host.hpp"

#include <atomic>

#include "host_impl.hpp"

namespace latchkey {

namespace {

// The last site this thread asked for by name, so that asking by name again
// costs a comparison: no allocation, no lock, no reference count. Plain
// data in initial-exec TLS: one %fs-relative access. A host is told by its
// serial, never reused, so a later host at the same address never matches.
struct NameMemo {
    uint64_t host_serial;  // 0: empty
    void* state;
    size_t size;
    char name[48];  // longer names are not remembered
};
constinit thread_local NameMemo last_lookup __attribute__((tls_model("initial-exec"))) = {};

std::atomic<uint64_t> next_serial{1};

SiteState& state_of(void* slot) { return *static_cast<SiteState*>(slot); }

// Site names are short: a loop beats a call to memcmp.
bool same_name(const NameMemo& m, std::string_view site) {
    if (m.size != site.size()) return false;
    for (size_t i = 0; i < site.size(); ++i)
        if (m.name[i] != site[i]) return false;
    return true;
}

}  // namespace

Host::Host(std::shared_ptr<HostImpl> impl) : impl_(std::move(impl)), serial_(next_serial++) {}

Host Host::open(HostOptions options) {
    // Applications keep tokens in memory unless the policy or the caller
    // says otherwise; the command line asks for the shared file store.
    if (!options.storage) options.storage = "memory";
    return Host(std::make_shared<HostImpl>(std::move(options)));
}

void* Host::slot_of(std::string_view site) {
    NameMemo& m = last_lookup;
    if (m.host_serial == serial_ && same_name(m, site)) return m.state;
    SiteState& s = impl_->site(std::string(site));
    if (site.size() <= sizeof m.name) {
        m.host_serial = serial_;
        m.state = &s;
        m.size = site.size();
        // Not memcpy: an empty name (the selected site) may have a null data(),
        // and memcpy from null is undefined even for zero bytes.
        site.copy(m.name, site.size());
    }
    return &s;
}

Credential Host::token(std::string_view site) { return borrow(site); }

const Credential& Host::borrow(std::string_view site) {
    return state_of(slot_of(site)).slot->borrow();
}

Site Host::site(std::string_view name) {
    Site s;
    s.host_ = impl_;
    s.slot_ = slot_of(name);
    return s;
}

void Host::invalidate(std::string_view site) { impl_->forget(state_of(slot_of(site))); }

std::string Host::selected_site() const { return impl_->selected_site(); }

std::vector<std::string> Host::sites() const {
    std::vector<std::string> out;
    for (auto& s : impl_->policy().sites) out.push_back(s.name);
    return out;
}

Credential Site::token() const { return borrow(); }

const Credential& Site::borrow() const { return state_of(slot_).slot->borrow(); }

const std::string& Site::name() const { return state_of(slot_).resolved.name; }

}  // namespace latchkey
