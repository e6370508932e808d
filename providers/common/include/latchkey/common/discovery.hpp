// Authorization server metadata discovery: OpenID Connect Discovery 1.0
// (`/.well-known/openid-configuration`), falling back to RFC 8414
// (`/.well-known/oauth-authorization-server`). The document is kept in the
// host's per-site cache, so processes that share a store fetch it once an
// hour (or as the server's Cache-Control max-age says).
#ifndef LATCHKEY_COMMON_DISCOVERY_HPP
#define LATCHKEY_COMMON_DISCOVERY_HPP

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdint>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/http_get.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey::common {

// The endpoints of an authorization server; "" when it has none.
struct ServerMetadata {
    std::string issuer;
    std::string authorization_endpoint;
    std::string token_endpoint;
    std::string device_authorization_endpoint;
    std::string revocation_endpoint;
    std::string userinfo_endpoint;
};

namespace discovery_detail {

inline constexpr int64_t kDefaultTtlMs = 3600 * 1000;
inline constexpr int64_t kMinTtlMs = 60 * 1000;
inline constexpr int64_t kMaxTtlMs = 24 * 3600 * 1000;

// How long the document may be cached: Cache-Control max-age within
// [1 min, 1 day]; no-store/no-cache still get the minimum, since asking for
// it before every token would make the issuer a hot path.
inline int64_t cache_ttl_ms(const std::string& cache_control) {
    constexpr std::string_view key = "max-age=";
    size_t at = cache_control.find(key);
    if (at == std::string::npos) {
        if (cache_control.find("no-") != std::string::npos) return kMinTtlMs;
        return kDefaultTtlMs;
    }
    std::string_view rest = std::string_view(cache_control).substr(at + key.size());
    rest = rest.substr(0, rest.find_first_of(", "));
    auto secs = parse_non_negative(rest);
    if (!secs) return kDefaultTtlMs;
    return std::clamp<int64_t>(std::min<int64_t>(*secs, kMaxTtlMs / 1000) * 1000, kMinTtlMs,
                               kMaxTtlMs);
}

// The two well-known addresses for `issuer`, in the order tried. OIDC
// appends to the issuer's path; RFC 8414 §3.1 inserts before it.
inline std::vector<std::string> well_known_urls(const std::string& issuer) {
    std::string base = issuer;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::vector<std::string> urls{base + "/.well-known/openid-configuration"};
    size_t scheme = base.find("://");
    size_t path = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
    if (path == std::string::npos)
        urls.push_back(base + "/.well-known/oauth-authorization-server");
    else
        urls.push_back(base.substr(0, path) + "/.well-known/oauth-authorization-server" +
                       base.substr(path));
    return urls;
}

inline bool is_http_url(std::string_view s) {
    return istarts_with(s, "https://") || istarts_with(s, "http://");
}

// Metadata from a document already known to be a JSON object. Throws
// config_error when it names another issuer (RFC 8414 §3.3: a mix-up
// attack, or a wrong `issuer` option) or an endpoint is not a URL.
inline ServerMetadata read_metadata(const std::string& issuer, const std::string& where,
                                    const rapidjson::Value& doc) {
    const rapidjson::Value* named = string_member(doc, "issuer");
    if (!named) throw sdk::config_error(where + " names no issuer; check the 'issuer' option");
    if (named->GetString() != issuer)
        throw sdk::config_error(where + " is for issuer \"" + printable(named->GetString()) +
                                "\", not \"" + printable(issuer) +
                                "\"; set 'issuer' to the exact value the server uses");
    ServerMetadata m;
    m.issuer = issuer;
    const std::pair<const char*, std::string*> fields[] = {
        {"authorization_endpoint", &m.authorization_endpoint},
        {"token_endpoint", &m.token_endpoint},
        {"device_authorization_endpoint", &m.device_authorization_endpoint},
        {"revocation_endpoint", &m.revocation_endpoint},
        {"userinfo_endpoint", &m.userinfo_endpoint},
    };
    for (auto& [key, out] : fields) {
        const rapidjson::Value* v = string_member(doc, key);
        if (!v) continue;
        if (!is_http_url(v->GetString()))
            throw sdk::config_error(where + ": " + key + " is not an http(s) URL");
        *out = v->GetString();
    }
    return m;
}

// Parses `body` as metadata, or nullopt when it is not a JSON object (with
// `why` saying what it is instead, when given).
inline std::optional<ServerMetadata> parse_metadata(const std::string& issuer,
                                                    const std::string& where,
                                                    const std::string& body,
                                                    std::string* why = nullptr) {
    rapidjson::Document doc;
    auto problem = parse_bounded_json(doc, body);
    if (problem || !doc.IsObject()) {
        if (why) *why = problem ? problem->describe() : "not an object";
        return std::nullopt;
    }
    return read_metadata(issuer, where, doc);
}

}  // namespace discovery_detail

// The metadata of `issuer`, from the site's cache or fetched. Throws
// config_error when neither well-known address has a document for it,
// transient when the server is unreachable or failing.
inline ServerMetadata discover(const sdk::Host& host, const std::string& issuer) {
    using namespace discovery_detail;
    const std::string cache_key = "discovery " + issuer;
    if (auto cached = host.cache_get(cache_key))
        if (auto m = parse_metadata(issuer, "cached metadata", *cached)) return *m;

    std::string tried;
    for (const std::string& url : well_known_urls(issuer)) {
        sdk::HttpResponse resp = http_get(host, url, {"Accept: application/json"},
                                          {"content-type", "cache-control", "location"});
        if (resp.status >= 300 && resp.status <= 399)
            // The host never follows redirects; say where it pointed.
            throw sdk::config_error("discovery at " + url + " redirected to " +
                                    printable(resp.header("location")) +
                                    "; set 'issuer' to the server's own address");
        if (resp.status >= 500 || resp.status == 429)
            throw sdk::transient("discovery at " + url + " answered HTTP " +
                                 std::to_string(resp.status));
        if (resp.status >= 200 && resp.status <= 299) {
            std::string why;
            auto m = parse_metadata(issuer, "the metadata at " + url, resp.body, &why);
            if (!m)
                throw sdk::config_error(
                    "discovery at " + url + " did not answer with a JSON object (" +
                    printable(resp.header("content-type"), 100) + ": " + why + "); check 'issuer'");
            host.cache_put(cache_key, resp.body,
                           host.now_ms() + cache_ttl_ms(resp.header("cache-control")));
            return *m;
        }
        tried += (tried.empty() ? "" : ", ") + url + " (HTTP " + std::to_string(resp.status) + ")";
    }
    throw sdk::config_error("no authorization server metadata for issuer " + printable(issuer) +
                            ": tried " + tried +
                            "; check 'issuer' or set the endpoint options instead");
}

// The endpoints a site uses: each explicit option wins; the rest come from
// the issuer's metadata, fetched only when an endpoint is actually missing.
class Endpoints {
 public:
    explicit Endpoints(const sdk::Host& host) : host_(host) {
        issuer_ = std::string(trim(host.option_or("issuer", "")));
        if (!issuer_.empty() && !discovery_detail::is_http_url(issuer_))
            throw sdk::config_error("option 'issuer' (\"" + printable(issuer_) +
                                    "\") must be an https:// URL");
        for (const char* key : {"authorization_url", "token_url", "device_authorization_url",
                                "revocation_url", "userinfo_url"}) {
            std::string v(trim(host.option_or(key, "")));
            if (v.empty()) continue;
            if (!discovery_detail::is_http_url(v))
                throw sdk::config_error(std::string("option '") + key + "' (\"" + printable(v) +
                                        "\") must be an http:// or https:// URL");
            explicit_[key] = v;
        }
    }

    const std::string& issuer() const { return issuer_; }

    // An address the provider derives itself (from a Salesforce instance,
    // say): used when the option is unset, before any discovery.
    void set_fallback(const char* option, const std::string& url) {
        explicit_.emplace(option, url);
    }

    // Required endpoints: throw config_error naming both ways to set them.
    std::string token() { return required("token_url", &ServerMetadata::token_endpoint); }
    std::string authorization() {
        return required("authorization_url", &ServerMetadata::authorization_endpoint);
    }
    std::string device_authorization() {
        return required("device_authorization_url", &ServerMetadata::device_authorization_endpoint);
    }
    // Optional endpoints: "" when neither configured nor discovered.
    std::string revocation() {
        return optional("revocation_url", &ServerMetadata::revocation_endpoint);
    }
    std::string userinfo() { return optional("userinfo_url", &ServerMetadata::userinfo_endpoint); }

 private:
    std::string optional(const char* option, std::string ServerMetadata::*field) {
        auto it = explicit_.find(option);
        if (it != explicit_.end()) return it->second;
        if (issuer_.empty()) return "";
        if (!metadata_) metadata_ = discover(host_, issuer_);
        return (*metadata_).*field;
    }

    std::string required(const char* option, std::string ServerMetadata::*field) {
        std::string v = optional(option, field);
        if (!v.empty()) return v;
        if (issuer_.empty())
            throw sdk::config_error(std::string("set '") + option + "' or 'issuer'");
        throw sdk::config_error("the metadata of issuer " + printable(issuer_) + " has no " +
                                option + " endpoint; set '" + option + "'");
    }

    const sdk::Host& host_;
    std::string issuer_;
    std::map<std::string, std::string> explicit_;
    std::optional<ServerMetadata> metadata_;
};

// Option entries for the endpoints; a provider picks those it uses.
inline constexpr latchkey_option kIssuerOption = {
    "issuer", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
    "the authorization server's issuer URL; fills every unset endpoint from its "
    "/.well-known/openid-configuration (or RFC 8414 oauth-authorization-server) metadata"};
inline constexpr latchkey_option kTokenUrlOption = {
    "token_url", LATCHKEY_OPT_STRING, LATCHKEY_OPTF_IDENTITY, nullptr,
    "the token endpoint; unset: discovered from 'issuer'"};
inline constexpr latchkey_option kRevocationUrlOption = {
    "revocation_url", LATCHKEY_OPT_STRING, 0, nullptr,
    "RFC 7009 revocation endpoint used by `latchkey logout`; unset: discovered from 'issuer', "
    "else tokens are only erased locally"};
inline constexpr latchkey_option kUserinfoUrlOption = {
    "userinfo_url", LATCHKEY_OPT_STRING, 0, nullptr,
    "OpenID Connect userinfo endpoint used by `latchkey whoami`; unset: discovered from "
    "'issuer', else the claims of the ID token or JWT access token"};

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_DISCOVERY_HPP
