#include "policy/url_patterns.hpp"

#include <fnmatch.h>

#include <algorithm>

#include "util/strings.hpp"

namespace latchkey::policy {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// "scheme://rest" -> scheme (lower case) and rest; no "://": "" and the text.
std::pair<std::string, std::string_view> split_scheme(std::string_view text) {
    auto at = text.find("://");
    if (at == std::string_view::npos) return {"", text};
    return {lower(text.substr(0, at)), text.substr(at + 3)};
}

// Characters a host pattern may hold besides letters and digits: '*' and
// those of a port or an IPv6 literal.
bool host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' ||
           c == ':' || c == '*' || c == '[' || c == ']';
}

}  // namespace

std::optional<UrlPattern> parse_url_pattern(std::string_view text, std::string& why) {
    const std::string trimmed = util::trim(text);
    auto [scheme, rest] = split_scheme(trimmed);
    UrlPattern p;
    p.scheme = scheme;
    auto slash = rest.find('/');
    p.host = lower(rest.substr(0, slash));
    if (slash != std::string_view::npos) p.path = std::string(rest.substr(slash));
    if (p.path == "/") p.path.clear();
    if (p.host.empty()) {
        why = "names no host (write [SCHEME://]HOST[:PORT][/PATH])";
        return std::nullopt;
    }
    if (p.host.find('@') != std::string::npos) {
        why = "holds a user name; patterns name servers only";
        return std::nullopt;
    }
    if (!std::all_of(p.host.begin(), p.host.end(), host_char)) {
        why = "has a character a host cannot hold";
        return std::nullopt;
    }
    if (!p.scheme.empty() && !std::all_of(p.scheme.begin(), p.scheme.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '+' || c == '-' || c == '.';
        })) {
        why = "has a malformed scheme";
        return std::nullopt;
    }
    return p;
}

// Split the same way as a pattern, so the two compare like for like (libcurl
// lives in the HTTP module, loaded only when a request is sent; a helper
// answering from the cache never loads it).
std::optional<RequestUrl> parse_request_url(std::string_view text) {
    const std::string trimmed = util::trim(text);
    auto [scheme, rest] = split_scheme(trimmed);
    auto slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);  // user info names an account, not a server
    RequestUrl out;
    out.scheme = scheme;
    out.host = lower(authority);
    if (out.host.empty() || !std::all_of(out.host.begin(), out.host.end(),
                                         [](char c) { return host_char(c) && c != '*'; }))
        return std::nullopt;
    // A path only when the tool wrote one (git without credential.useHttpPath writes none).
    if (slash != std::string_view::npos && rest[slash] == '/') {
        std::string_view path = rest.substr(slash);
        path = path.substr(0, path.find_first_of("?#"));
        if (path != "/") out.path = std::string(path);
    }
    return out;
}

std::optional<size_t> match_weight(const UrlPattern& pattern, const RequestUrl& url) {
    if (!pattern.scheme.empty() && !url.scheme.empty() && pattern.scheme != url.scheme)
        return std::nullopt;
    if (fnmatch(pattern.host.c_str(), url.host.c_str(), 0) != 0) return std::nullopt;
    size_t weight =
        1 + 2 * (pattern.host.size() - std::count(pattern.host.begin(), pattern.host.end(), '*'));
    if (!pattern.scheme.empty()) ++weight;
    // A request without a path is matched on the server alone: every pattern
    // of that server fits it equally well.
    if (!url.path || pattern.path.empty()) return weight;
    const std::string& p = pattern.path;
    const std::string& path = *url.path;
    bool fits;
    if (p.find('*') != std::string::npos) {
        fits = fnmatch(p.c_str(), path.c_str(), 0) == 0;
    } else {
        std::string dir = p.back() == '/' ? p : p + "/";
        fits = path == p || path.rfind(dir, 0) == 0 ||
               (p.back() == '/' && path == p.substr(0, p.size() - 1));
    }
    if (!fits) return std::nullopt;
    return weight + 2 * (p.size() - std::count(p.begin(), p.end(), '*'));
}

}  // namespace latchkey::policy
