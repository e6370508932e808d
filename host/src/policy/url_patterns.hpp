// A site's `url_patterns`: which servers it holds the credential for, so that
// the credential helpers of git, docker and kubectl, which name a server
// rather than a site, find the site to ask.
//
//   url_patterns = ["https://git.example.com/org/*", "registry.example.com:5000"]
//
// A pattern is [SCHEME://]HOST[:PORT][/PATH]. No scheme: any scheme. `*` in
// the host or path stands for any run of characters (in the path, '/'
// included). A path without `*` covers itself and everything below it; no
// path covers every path. The longest pattern that matches wins.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace latchkey::policy {

struct UrlPattern {
    std::string scheme;  // lower case; "" = any
    std::string host;    // host[:port], lower case, may hold '*'
    std::string path;    // starts with '/'; "" = every path
};

// A pattern, or nullopt with `why` set.
std::optional<UrlPattern> parse_url_pattern(std::string_view text, std::string& why);

// The server a tool asks about: "https://host[:port]/path", "host[:port]" or
// "host[:port]/path" (docker writes no scheme). A URL without a path is
// matched on scheme and host alone.
struct RequestUrl {
    std::string scheme;  // "" when the tool gave none
    std::string host;    // host[:port], lower case
    std::optional<std::string> path;
};
std::optional<RequestUrl> parse_request_url(std::string_view text);

// How specific the pattern is when it matches `url` (higher wins); nullopt
// when it does not match.
std::optional<size_t> match_weight(const UrlPattern& pattern, const RequestUrl& url);

}  // namespace latchkey::policy
