#include "site/storage_key.hpp"

#include "crypto/primitives.hpp"
#include "util/strings.hpp"

namespace latchkey::site {

std::string storage_key_for(const policy::ResolvedSite& site) {
    std::string material = "provider=" + site.provider + "\n";
    for (auto& spec : site.schema) {
        if (!spec.identity) continue;
        const auto* v = site.get(spec.key);
        material += spec.key + "=";
        if (v) material += v->is_list ? util::join(v->list, "\x1f") : v->text;
        material += "\n";
    }
    return site.name + "." + crypto::sha256_hex(material).substr(0, 16);
}

}  // namespace latchkey::site
