#include "socket_api.hpp"

#include <unistd.h>

#include <filesystem>

#include "access.hpp"
#include "cloud_endpoints.hpp"
#include "credential_read.hpp"
#include "json_reply.hpp"
#include "request_target.hpp"

namespace latchkey::agent {

namespace {

// Who may learn what: the agent's own user may read the policy file
// anyway, so it is told precisely why; any other caller learns that it was
// refused and why, in words that are the same for a site that exists and
// one that does not.
struct Verdict {
    bool allowed = false;
    http::status status = http::status::forbidden;
    std::string kind = "refused";
    std::string message;
};

Verdict authorize(const ServedPolicy& policy, const std::string& site, const Peer& peer,
                  uid_t agent_uid) {
    const ServedSite* s = policy.find(site);
    bool own_user = peer.known && peer.uid == agent_uid;
    auto generic = [&] {
        return "refused: this agent serves no site '" + site + "' to " + describe(peer) +
               " (the agent's policy says in each site's `allow` list who may read it)";
    };
    if (!s) {
        if (!own_user) return {false, http::status::forbidden, "refused", generic()};
        return {false, http::status::not_found, "unknown_site",
                "site '" + site + "' is not in the agent's policy " + policy.path()};
    }
    AccessDecision d = check_access(s->allow, peer, agent_uid);
    if (d.allowed) return {true, http::status::ok, "", d.why};
    if (!own_user) return {false, http::status::forbidden, "refused", generic()};
    return {false, http::status::forbidden, "refused",
            "refused: " + describe(peer) + " may not read site '" + site + "': " + d.why};
}

const char* const kEndpoints =
    "the agent serves GET /v1/health, GET /v1/token, GET /v1/header, GET /v1/credential, POST "
    "/v1/invalidate, GET /v1/status and GET /v1/cloud-env";

std::string canonical(const std::string& path) {
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : c.string();
}

// The answer to GET /v1/credential: the Credential a library asking the
// agent hands out as its own (and keeps until the agent's refresh time). No
// header lines: the library makes its own from the credential.
Response library_credential(const std::string& site, const Credential& c) {
    return json_response(http::status::ok, [&](JsonWriter& w) {
        put(w, "site", site);
        put(w, "token", c.token());
        put(w, "token_type", c.token_type());
        put(w, "header_name", c.header_name());
        put(w, "expires_at_ms", c.expires_at_ms());
        put(w, "obtained_at_ms", c.obtained_at_ms());
        put(w, "refresh_at_ms", c.refresh_at_ms());
        w.Key("extras");
        w.StartObject();
        for (auto& [k, v] : c.extras()) put(w, k.c_str(), v);
        w.EndObject();
    });
}

// The answer to GET /v1/token (or /v1/header, without the bare token; or
// /v1/credential). Throws latchkey::Error when the site's extra_headers
// clash with the credential's own header.
Response credential_reply(ServedPolicy& policy, const std::string& site, const std::string& path,
                          const Credential& c) {
    if (path == "/v1/credential") return library_credential(site, c);
    // What `latchkey token --header` prints after the credential's own line.
    std::vector<std::string> lines = policy.admin().header_lines(site, c);
    lines.erase(lines.begin());
    return json_response(http::status::ok, [&](JsonWriter& w) {
        put(w, "site", site);
        if (path == "/v1/token") {
            put(w, "token", c.token());
            put(w, "token_type", c.token_type());
            if (auto* s = policy.find(site); s && !s->token_username.empty())
                put(w, "token_username", s->token_username);
        }
        put(w, "header", c.header());
        put(w, "header_name", c.header_name());
        put(w, "header_value", c.header_value());
        put(w, "extra_headers", lines);
        put(w, "expires_at_ms", c.expires_at_ms());
    });
}

}  // namespace

http::status status_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::usage:
            return http::status::bad_request;
        case ErrorKind::login_required:
            return http::status::unauthorized;
        case ErrorKind::rejected:
            return http::status::bad_gateway;
        case ErrorKind::transient:
            return http::status::gateway_timeout;
        default:
            return http::status::internal_server_error;
    }
}

Response SocketApi::refuse(const Peer& peer, http::status status, const std::string& why) {
    state_.audit().record("-", peer, "-", "invalid", why);
    return json_error(status, "bad_request", why, 2);
}

void SocketApi::serve(Request&& request, const Peer& peer, Respond respond) {
    std::string why;
    std::string target(request.target());
    auto t = parse_target(target, why);
    auto bad = [&](http::status status, const std::string& kind, const std::string& message,
                   const std::string& site = "-") {
        state_.audit().record(site, peer, t ? t->path : "-",
                              kind == "refused" ? "refused" : "invalid", message);
        respond(json_error(status, kind, message, kind == "refused" ? 1 : 2));
    };
    if (!t) return bad(http::status::bad_request, "bad_request", why);
    const std::string& path = t->path;
    bool get = request.method() == http::verb::get;
    bool post = request.method() == http::verb::post;

    auto policy = state_.current();
    // A client working from another policy file must not get this one's
    // credentials under the same site name: it works alone instead.
    if (auto config = request.find("Latchkey-Config"); config != request.end()) {
        std::string theirs(config->value());
        if (canonical(theirs) != canonical(policy->path()))
            return bad(http::status::conflict, "policy_mismatch",
                       "the agent serves " + policy->path() + ", not " + admin::printable(theirs));
    }

    if (path == "/v1/health") {
        if (!get) return bad(http::status::method_not_allowed, "bad_request", "use GET " + path);
        return respond(json_response(http::status::ok, [&](JsonWriter& w) {
            put(w, "status", std::string("ok"));
            put(w, "pid", static_cast<int64_t>(getpid()));
            put(w, "policy", policy->path());
        }));
    }
    bool token_path = path == "/v1/token" || path == "/v1/header" || path == "/v1/credential";
    bool known =
        token_path || path == "/v1/invalidate" || path == "/v1/status" || path == "/v1/cloud-env";
    if (!known)
        return bad(http::status::not_found, "not_found",
                   "no endpoint " + admin::printable(path) + "; " + kEndpoints);
    if ((path == "/v1/invalidate") != post)
        return bad(http::status::method_not_allowed, "bad_request",
                   std::string("use ") + (post ? "GET " : "POST ") + path);
    if (path == "/v1/status") {
        auto run = [this, policy, peer, respond] {
            respond(json_response(http::status::ok, [&](JsonWriter& w) {
                put(w, "pid", static_cast<int64_t>(getpid()));
                put(w, "policy", policy->path());
                put(w, "started_at_ms", state_.started_at_ms());
                w.Key("sites");
                w.StartArray();
                for (auto& [name, site] : policy->sites()) {
                    if (!check_access(site.allow, peer, state_.uid()).allowed) continue;
                    w.StartObject();
                    put(w, "site", name);
                    try {
                        auto stored = policy->admin().stored(name);
                        w.Key("logged_in");
                        w.Bool(stored && !stored->expired_at(admin::now_ms()));
                        if (stored) put(w, "expires_at_ms", stored->expires_at_ms);
                    } catch (const Error& e) {
                        put(w, "error", e.what());
                    }
                    w.EndObject();
                }
                w.EndArray();
            }));
        };
        if (!state_.workers().run("_status", run))
            bad(http::status::service_unavailable, "busy", "too many status requests waiting");
        return;
    }

    std::string site = t->get("site").value_or(policy->default_site());
    if (site.empty())
        return bad(http::status::bad_request, "bad_request",
                   "no site given and the agent's policy selects none; add ?site=NAME");
    std::optional<int64_t> min_valid_ms;
    if (auto mv = t->get("min_valid")) {
        min_valid_ms = admin::parse_duration_ms(*mv);
        if (!min_valid_ms)
            return bad(http::status::bad_request, "bad_request",
                       "min_valid: expected a duration such as 10m or 600, got \"" +
                           admin::printable(*mv) + "\"",
                       site);
    }
    Verdict v = authorize(*policy, site, peer, state_.uid());
    if (!v.allowed) return bad(v.status, v.kind, v.message, site);

    if (path == "/v1/cloud-env") {
        // The variables hold the endpoint's secret: as much a credential as
        // the token, so for the same callers and with an audit line.
        auto vars = state_.cloud() ? state_.cloud()->variables(site) : std::nullopt;
        if (!vars)
            return bad(http::status::not_found, "no_cloud_endpoint",
                       "site '" + site +
                           "' has no cloud endpoint; add cloud_endpoint = \"aws\", \"gce\" or "
                           "\"azure\" to [sites." +
                           site + "] and reload the agent",
                       site);
        state_.audit().record(site, peer, path, "served", "");
        return respond(json_response(http::status::ok, [&](JsonWriter& w) {
            put(w, "site", site);
            put(w, "kind", state_.cloud()->kind_of(site));
            w.Key("variables");
            w.StartObject();
            for (auto& [k, v] : *vars) put(w, k.c_str(), v);
            w.EndObject();
        }));
    }

    // The fast path: a credential the Host holds and would hand out as it
    // is is answered here on the I/O thread. Anything that could wait (a
    // fetch, a refresh, a plugin to load, a provider judging expiry) goes
    // to the site's worker threads below, so a hanging provider still
    // never stalls this thread.
    if (token_path) {
        if (auto c = policy->admin().cached(site, min_valid_ms.value_or(0))) {
            std::optional<Response> reply;
            try {
                reply = credential_reply(*policy, site, path, *c);
            } catch (const Error&) {
                // The site's threads give the error, with its audit line.
            }
            if (reply) {
                state_.audit().record(site, peer, path, "served", "");
                return respond(std::move(*reply));
            }
        }
    }

    std::optional<std::string> refused;
    if (path == "/v1/invalidate") {
        refused = refused_token(request.body(), why);
        if (!refused) return bad(http::status::bad_request, "bad_request", why, site);
    }
    auto work = [this, policy, peer, respond, site, path, min_valid_ms, refused] {
        try {
            if (refused) {
                forget(policy->host(), site, *refused);
                state_.audit().record(site, peer, path, "invalidated", "");
                return respond(json_response(http::status::ok, [&](JsonWriter& w) {
                    put(w, "site", site);
                    w.Key("invalidated");
                    w.Bool(true);
                }));
            }
            Credential c = read_credential(policy->host(), site, min_valid_ms);
            Response reply = credential_reply(*policy, site, path, c);
            state_.audit().record(site, peer, path, "served", "");
            respond(std::move(reply));
        } catch (const Error& e) {
            state_.audit().record(site, peer, path, "failed", e.what());
            respond(json_error(status_for(e.kind()), e));
        } catch (const std::exception& e) {
            state_.audit().record(site, peer, path, "failed", e.what());
            respond(json_error(http::status::internal_server_error, "internal", e.what()));
        }
    };
    if (!state_.workers().run(site, std::move(work)))
        bad(http::status::service_unavailable, "busy",
            "site '" + site + "' has too many requests waiting for its provider; retry shortly",
            site);
}

}  // namespace latchkey::agent
