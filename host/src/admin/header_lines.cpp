// The header lines a request to a site carries (`token --header`, `curl`):
// the credential's, then the site's extra_headers.
#include <latchkey/common/text.hpp>

#include "admin/parts.hpp"
#include "latchkey/admin.hpp"
#include "site/site.hpp"

namespace latchkey::admin {

std::vector<std::string> Admin::header_lines(const std::string& site, const Credential& c) {
    auto& s = parts_->site(site);
    std::vector<std::string> lines{c.header()};
    for (auto& [name, value] : s.resolved.extra_headers()) {
        // Two headers of one name: the server would see two credentials, or
        // take whichever it likes.
        if (common::iequals(name, c.header_name()))
            throw policy::config_error(s.resolved.get("extra_headers")->source +
                                           ": extra_headers: '" + name +
                                           "' is the header the credential itself is sent in",
                                       s.resolved.get("extra_headers")->pos);
        lines.push_back(name + ": " + value);
    }
    return lines;
}

}  // namespace latchkey::admin
