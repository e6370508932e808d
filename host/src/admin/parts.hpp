// What latchkey::admin::Admin is made of: the options it was given and the
// HostImpl it opens from them on first use (or the one of an open Host).
// Shared by the files of host/src/admin, each of which implements one group
// of the administrative interface (latchkey/admin.hpp) over HostImpl.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "host_impl.hpp"
#include "latchkey/admin.hpp"

namespace latchkey::admin {

class Admin::Parts {
 public:
    explicit Parts(HostOptions o) : options(std::move(o)) {}
    explicit Parts(std::shared_ptr<HostImpl> h) : options(h->options()), host_(std::move(h)) {}

    // Opened lazily: plugin listing and policy edits work without a valid policy.
    HostImpl& host() {
        if (!host_) host_ = std::make_shared<HostImpl>(options);
        return *host_;
    }
    site::Site& site(const std::string& name) { return host().site(name); }
    void warning(const std::string& line) const {
        if (warn) warn(line);
    }

    HostOptions options;
    std::function<void(const std::string&)> warn;

 private:
    std::shared_ptr<HostImpl> host_;
};

// The stored credential without its secrets.
StoredCredential without_secrets(const detail::CredentialData& c);

}  // namespace latchkey::admin
