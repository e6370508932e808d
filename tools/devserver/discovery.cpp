// GET /.well-known/openid-configuration (OIDC Discovery 1.0 §4) and
// /.well-known/oauth-authorization-server (RFC 8414): the same metadata document.
#include <string>
#include <vector>

#include "grants.hpp"
#include "json.hpp"
#include "routes.hpp"
#include "settings.hpp"

namespace devserver {
namespace {

void write_strings(JsonWriter& w, const std::vector<std::string>& values) {
    w.StartArray();
    for (const auto& v : values) {
        write_string(w, v);
    }
    w.EndArray();
}

void write_member(JsonWriter& w, const char* key, const std::string& value) {
    w.Key(key);
    write_string(w, value);
}

std::vector<std::string> auth_methods(const ServerContext& ctx) {
    std::vector<std::string> methods{"client_secret_basic", "client_secret_post", "none",
                                     "private_key_jwt"};
    if (!ctx.tls_issuer.empty()) {
        methods.emplace_back("tls_client_auth");
    }
    return methods;
}

void write_endpoints(JsonWriter& w, const std::string& base, bool with_userinfo) {
    write_member(w, "authorization_endpoint", base + "/oauth2/authorize");
    write_member(w, "token_endpoint", base + "/oauth2/token");
    write_member(w, "device_authorization_endpoint", base + "/oauth2/device_authorization");
    write_member(w, "revocation_endpoint", base + "/oauth2/revoke");
    if (with_userinfo) {
        write_member(w, "userinfo_endpoint", base + "/oauth2/userinfo");
    }
}

void handle_metadata(const ServerContext& ctx, httplib::Response& res) {
    // Leaving userinfo out makes clients fall back to the ID token's claims.
    const bool with_userinfo = !setting_flag(ctx, "omit_userinfo", false);
    const auto methods = auth_methods(ctx);
    send_json(res, 200, [&](JsonWriter& w) {
        w.StartObject();
        write_member(w, "issuer", ctx.issuer);
        write_endpoints(w, ctx.issuer, with_userinfo);
        write_member(w, "jwks_uri", ctx.issuer + "/oauth2/jwks");
        w.Key("grant_types_supported");
        write_strings(w, grant_type_names());
        w.Key("response_types_supported");
        write_strings(w, {"code"});
        w.Key("response_modes_supported");
        write_strings(w, {"query"});
        w.Key("token_endpoint_auth_methods_supported");
        write_strings(w, methods);
        w.Key("token_endpoint_auth_signing_alg_values_supported");
        write_strings(w, {"RS256", "ES256"});
        w.Key("revocation_endpoint_auth_methods_supported");
        write_strings(w, methods);
        w.Key("code_challenge_methods_supported");
        write_strings(w, {"S256"});
        w.Key("scopes_supported");
        write_strings(w, {"openid", "profile", "email", "offline_access"});
        w.Key("subject_types_supported");
        write_strings(w, {"public"});
        w.Key("id_token_signing_alg_values_supported");
        write_strings(w, {"RS256"});
        w.Key("claims_supported");
        write_strings(w, {"sub", "name", "email", "email_verified", "preferred_username"});
        // RFC 8705 §5: where a client with a certificate should send its requests.
        if (!ctx.tls_issuer.empty()) {
            w.Key("tls_client_certificate_bound_access_tokens");
            w.Bool(false);
            w.Key("mtls_endpoint_aliases");
            w.StartObject();
            write_endpoints(w, ctx.tls_issuer, with_userinfo);
            w.EndObject();
        }
        w.EndObject();
    });
}

void install(httplib::Server& server, ServerContext& ctx) {
    for (const char* path :
         {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
        server.Get(path, [&ctx](const httplib::Request&, httplib::Response& res) {
            handle_metadata(ctx, res);
        });
    }
}

const RouteModule kModule{"discovery", install};

}  // namespace
}  // namespace devserver
