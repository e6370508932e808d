#include "azure_identity.hpp"

#include <latchkey/admin.hpp>

#include "cloud_endpoint_common.hpp"
#include "json_reply.hpp"
#include "socket_api.hpp"

namespace latchkey::agent {

namespace {

const char* const kEndpoint = "azure-managed-identity";

// Errors as App Service gives them ({statusCode, message}), with an OAuth
// style `error` code beside, which MSAL reports together with `message`.
Response azure_error(http::status status, const std::string& error, const std::string& message) {
    return json_response(status, [&](JsonWriter& w) {
        w.Key("statusCode");
        w.Int(static_cast<int>(status));
        put(w, "message", message);
        put(w, "error", error);
    });
}

}  // namespace

Response AzureIdentity::refuse(const Peer& peer, http::status status, const std::string& why) {
    state_.audit().record(site_, peer, kEndpoint, "invalid", why);
    return azure_error(status, "invalid_request", why);
}

void AzureIdentity::serve(Request&& request, const Peer& peer, Respond respond) {
    auto deny = [&](http::status status, const std::string& decision, const std::string& error,
                    const std::string& why) {
        state_.audit().record(site_, peer, kEndpoint, decision, why);
        respond(azure_error(status, error, why));
    };
    auto header = request.find("X-IDENTITY-HEADER");
    if (header == request.end() ||
        !same_secret(std::string_view(header->value().data(), header->value().size()), secret_))
        return deny(http::status::unauthorized, "refused", "unauthorized_client",
                    "the X-IDENTITY-HEADER header is not this agent's IDENTITY_HEADER (see "
                    "`latchkey agent env --at " +
                        site_ + "`)");
    if (request.method() != http::verb::get)
        return deny(http::status::method_not_allowed, "invalid", "invalid_request", "use GET");
    std::string target(request.target());
    std::string path = target_path(target);
    if (path != "/msi/token")
        return deny(http::status::not_found, "invalid", "invalid_request",
                    "no endpoint " + admin::printable(path) +
                        "; this is IDENTITY_ENDPOINT http://127.0.0.1:PORT/msi/token");
    auto query = target_query(target);
    auto get = [&](const std::string& key) -> std::string {
        auto it = query.find(key);
        return it == query.end() ? "" : it->second;
    };
    if (get("api-version") != "2019-08-01")
        return deny(http::status::bad_request, "invalid", "invalid_request",
                    "api-version must be 2019-08-01 (the App Service protocol this endpoint "
                    "speaks), got \"" +
                        admin::printable(get("api-version")) + "\"");
    std::string resource = get("resource");
    if (resource.empty())
        return deny(http::status::bad_request, "invalid", "invalid_request",
                    "the resource parameter is required (e.g. "
                    "resource=https://management.azure.com/)");
    for (const char* user_assigned : {"client_id", "principal_id", "mi_res_id", "object_id"})
        if (query.count(user_assigned))
            return deny(http::status::bad_request, "invalid", "invalid_request",
                        std::string("this endpoint serves site '") + site_ +
                            "' as its one system-assigned identity; a user-assigned identity (" +
                            user_assigned + ") is not served");
    answer_from_credential(
        state_, site_, peer, kEndpoint, std::move(respond),
        [resource](const Credential& c) {
            return json_response(http::status::ok, [&](JsonWriter& w) {
                put(w, "access_token", c.token());
                put(w, "expires_on", std::to_string(admin::now_ms() / 1000 + seconds_left(c)));
                put(w, "resource", resource);
                put(w, "token_type", std::string("Bearer"));
            });
        },
        [](const Error& e) {
            return azure_error(status_for(e.kind()), to_string(e.kind()), e.what());
        },
        azure_error(http::status::service_unavailable, "busy",
                    "too many requests wait for site '" + site_ + "'; retry shortly"));
}

}  // namespace latchkey::agent
