#include "redirect_uri.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace devserver {
namespace {

bool is_loopback(const std::string& uri) {
    constexpr std::string_view kScheme = "http://";
    if (!uri.starts_with(kScheme) || uri.find('#') != std::string::npos) {
        return false;
    }
    const std::string rest = uri.substr(kScheme.size());
    const auto authority_end = rest.find_first_of("/?");
    const std::string authority = rest.substr(0, authority_end);
    if (authority.find('@') != std::string::npos) {
        return false;  // userinfo could disguise another host
    }
    for (const std::string_view host : {"127.0.0.1", "[::1]", "localhost"}) {
        if (authority == host) {
            return true;
        }
        if (authority.starts_with(host) && authority.size() > host.size() + 1 &&
            authority[host.size()] == ':') {
            const std::string port = authority.substr(host.size() + 1);
            return port.size() <= 5 && std::all_of(port.begin(), port.end(),
                                                   [](unsigned char c) { return std::isdigit(c); });
        }
    }
    return false;
}

}  // namespace

bool is_allowed_redirect(const Client& client, const std::string& redirect_uri) {
    return is_loopback(redirect_uri) ||
           std::find(client.redirect_uris.begin(), client.redirect_uris.end(), redirect_uri) !=
               client.redirect_uris.end();
}

std::string with_query(const std::string& redirect_uri,
                       const std::vector<std::pair<std::string, std::string>>& params) {
    std::string out = redirect_uri;
    char sep = out.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : params) {
        out += sep;
        out += httplib::detail::encode_query_param(name) + '=' +
               httplib::detail::encode_query_param(value);
        sep = '&';
    }
    return out;
}

}  // namespace devserver
