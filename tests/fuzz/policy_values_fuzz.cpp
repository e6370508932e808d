// Policy values a person or the environment writes as text: extra_headers
// as JSON (LATCHKEY_EXTRA_HEADERS, --set extra_headers=...), and a site's
// url_patterns matched against the server a credential helper names. The
// input's first line is the pattern, the rest the server.
#include <string>

#include "policy/extra_headers.hpp"
#include "policy/url_patterns.hpp"
#include "support/guarded.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey::policy;
    const std::string text(reinterpret_cast<const char*>(data), size);
    latchkey::fuzz::guarded([&] {
        ResolvedValue v = extra_headers_from_json(text, "env LATCHKEY_EXTRA_HEADERS");
        extra_header_pairs(v);
    });
    size_t nl = text.find('\n');
    std::string pattern = text.substr(0, nl);
    std::string url = nl == std::string::npos ? text : text.substr(nl + 1);
    std::string why;
    auto p = parse_url_pattern(pattern, why);
    auto u = parse_request_url(url);
    if (p && u) match_weight(*p, *u);
    return 0;
}
