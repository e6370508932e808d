#include "admin/plain_http_warnings.hpp"

#include "http/http_client.hpp"
#include "util/strings.hpp"

namespace latchkey::admin {

std::vector<std::string> plain_http_warnings(const policy::ResolvedSite& site) {
    std::vector<std::string> out;
    for (auto& [key, v] : site.values) {
        // Secrets are not shown (nor are URLs kept in them); lists hold no URLs.
        if (!v.set || v.secret || v.is_list) continue;
        // Only a value that looks like plain http maps the HTTP module.
        if (util::to_lower(v.text).rfind("http://", 0) != 0) continue;
        std::string host = http::insecure_http_host(v.text);
        if (host.empty()) continue;
        out.push_back(v.source + ": site '" + site.name + "': " + key + ": plain http to " + host +
                      ", which is not literally this machine: latchkey sends credentials over "
                      "plain http only to a loopback address (127.0.0.0/8, ::1), so this is "
                      "refused unless " +
                      host +
                      " resolves to one; use https, or 127.0.0.1 or localhost for a local "
                      "server");
    }
    return out;
}

}  // namespace latchkey::admin
