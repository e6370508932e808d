#include "gce_metadata.hpp"

#include <latchkey/admin.hpp>

#include "access.hpp"
#include "cloud_endpoint_common.hpp"
#include "json_reply.hpp"
#include "socket_api.hpp"

namespace latchkey::agent {

namespace {

const char* const kEndpoint = "gce-metadata";
const std::string kBase = "/computeMetadata/v1";
const std::string kAccount = kBase + "/instance/service-accounts/default";

// Every answer names itself as the metadata server: the SDKs check it.
Response flavored(Response r) {
    r.set("Metadata-Flavor", "Google");
    return r;
}

// The server's plain-text answers (directory listings, single values,
// errors), as application/text like the real one.
Response text(http::status status, const std::string& body) {
    Response r(status, 11);
    r.set(http::field::content_type, "application/text");
    r.set(http::field::cache_control, "no-store");
    r.body() = body;
    return flavored(std::move(r));
}

// Paths that hold no credential: what the SDKs read to decide that they run
// on GCE and which account they are. "" for any other path.
std::string listing(const std::string& path, bool recursive) {
    if (path == "/") return "computeMetadata/\n";
    if (path == kBase || path == kBase + "/") return "instance/\n";
    if (path == kBase + "/instance" || path == kBase + "/instance/") return "service-accounts/\n";
    if (path == kBase + "/instance/service-accounts" ||
        path == kBase + "/instance/service-accounts/")
        return "default/\n";
    if (path == kAccount || path == kAccount + "/")
        // google-auth (Python) reads ?recursive=true to learn the account's
        // email, then asks for that account's token: "default" keeps it on
        // the one path served.
        return recursive ? "{\"aliases\":[\"default\"],\"email\":\"default\"}"
                         : "aliases\nemail\ntoken\n";
    if (path == kAccount + "/email") return "default";
    if (path == kAccount + "/aliases") return "default\n";
    return "";
}

}  // namespace

Response GceMetadata::refuse(const Peer& peer, http::status status, const std::string& why) {
    state_.audit().record(site_, peer, kEndpoint, "invalid", why);
    return text(status, why + "\n");
}

void GceMetadata::serve(Request&& request, const Peer& peer, Respond respond) {
    auto deny = [&](http::status status, const std::string& decision, const std::string& why) {
        state_.audit().record(site_, peer, kEndpoint, decision, why);
        respond(text(status, why + "\n"));
    };
    // The real server's guards against a request forged through a proxy.
    auto flavor = request.find("Metadata-Flavor");
    if (flavor == request.end() || flavor->value() != "Google")
        return deny(http::status::forbidden, "invalid",
                    "Missing required header: \"Metadata-Flavor: Google\"");
    if (request.find("X-Forwarded-For") != request.end())
        return deny(http::status::forbidden, "invalid",
                    "a request with an X-Forwarded-For header is refused (it came through a "
                    "proxy)");
    // No secret can reach this endpoint, so the caller is whoever the kernel
    // says owns the calling socket, checked against the site's allow rules.
    auto policy = state_.current();
    const ServedSite* site = policy->find(site_);
    AccessDecision access = site ? check_access(site->allow, peer, state_.uid())
                                 : AccessDecision{false, "the site is no longer served"};
    if (!access.allowed)
        return deny(http::status::forbidden, "refused",
                    "refused: " + describe(peer) + " may not read site '" + site_ +
                        "' from this metadata endpoint: " + access.why);
    if (request.method() != http::verb::get)
        return deny(http::status::method_not_allowed, "invalid", "use GET");

    std::string target(request.target());
    std::string path = target_path(target);
    auto query = target_query(target);
    auto recursive = query.find("recursive");
    std::string body = listing(path, recursive != query.end() && recursive->second == "true");
    if (!body.empty()) {
        Response r = text(http::status::ok, body);
        if (body[0] == '{') r.set(http::field::content_type, "application/json");
        return respond(std::move(r));
    }
    if (path != kAccount + "/token")
        return deny(http::status::not_found, "invalid",
                    "no metadata at " + admin::printable(path) + "; this endpoint serves " +
                        kAccount + "/token (site '" + site_ + "')");
    // ?scopes= is accepted and not acted on: the site's policy decides the
    // scopes of its one credential.
    answer_from_credential(
        state_, site_, peer, kEndpoint, std::move(respond),
        [](const Credential& c) {
            return flavored(json_response(http::status::ok, [&](JsonWriter& w) {
                put(w, "access_token", c.token());
                put(w, "expires_in", seconds_left(c));
                put(w, "token_type", std::string("Bearer"));
            }));
        },
        [](const Error& e) {
            return text(status_for(e.kind()), "latchkey agent: " + std::string(e.what()) + "\n");
        },
        text(http::status::service_unavailable,
             "too many requests wait for site '" + site_ + "'; retry shortly\n"));
}

}  // namespace latchkey::agent
