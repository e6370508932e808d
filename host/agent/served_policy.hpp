// One loaded policy, as the agent serves it: the Host, and each site's
// access rules read once at load. Immutable after open(); a reload builds a
// new one and swaps it in (agent.hpp), so a request finishes on the policy
// it started with.
#pragma once

#include <latchkey/admin.hpp>
#include <latchkey/host.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace latchkey::agent {

struct ServedSite {
    std::optional<std::vector<admin::AccessRule>> allow;  // none: the agent's user only
    std::string cloud_endpoint;                           // "aws", "gce", "azure" or ""
    std::string token_username;  // the credential helpers' user name ("" for their default)
    std::string token_file;      // kept holding the current token ("" for none)
    // Why the site could not be resolved ("" when it could); its requests
    // get this error, and only the agent's own user may ask.
    std::string error;
};

class ServedPolicy {
 public:
    // Throws latchkey::Error when the policy file itself is unusable.
    static std::shared_ptr<ServedPolicy> open(const HostOptions& options);

    Host& host() { return host_; }
    admin::Admin& admin() { return admin_; }
    const std::string& path() const { return path_; }
    // "" when the policy selects none (several sites, no default_site).
    const std::string& default_site() const { return default_site_; }
    const ServedSite* find(const std::string& site) const;
    const std::map<std::string, ServedSite>& sites() const { return sites_; }

 private:
    ServedPolicy(Host host);
    Host host_;
    admin::Admin admin_;
    std::string path_;
    std::string default_site_;
    std::map<std::string, ServedSite> sites_;
};

}  // namespace latchkey::agent
