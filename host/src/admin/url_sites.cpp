// Admin::site_for_url: the site a credential helper asks for when the tool
// names a server (git, docker, kubectl), chosen by the sites' url_patterns
// without loading any provider.
#include "admin/parts.hpp"
#include "policy/url_patterns.hpp"

namespace latchkey::admin {

std::string Admin::site_for_url(const std::string& url) {
    auto request = policy::parse_request_url(url);
    if (!request) throw Error(ErrorKind::usage, "'" + printable(url) + "' is not a server URL");
    auto& host = parts_->host();
    std::string best;
    std::vector<std::string> tied;
    size_t best_weight = 0;
    for (auto& s : host.policy().sites) {
        for (auto& pattern : host.resolver().url_patterns(s.name)) {
            auto w = policy::match_weight(pattern, *request);
            if (!w || *w < best_weight || (*w == best_weight && best == s.name)) continue;
            if (*w > best_weight) tied.clear();
            best = s.name;
            best_weight = *w;
            tied.push_back(s.name);
        }
    }
    if (tied.size() > 1)
        throw Error(ErrorKind::usage,
                    "sites " + join(tied, " and ") + " both match " + printable(url) +
                        (request->path ? "; make one of their url_patterns more specific"
                                       : "; they differ by path: have the tool send it (git: "
                                         "git config credential.useHttpPath true)"));
    return best;
}

std::vector<std::string> Admin::url_patterns(const std::string& site) {
    std::vector<std::string> out;
    for (auto& p : parts_->host().resolver().url_patterns(site))
        out.push_back((p.scheme.empty() ? "" : p.scheme + "://") + p.host + p.path);
    return out;
}

}  // namespace latchkey::admin
