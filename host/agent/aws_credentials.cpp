#include "aws_credentials.hpp"

#include <latchkey/common/bounded_json.hpp>

#include "cloud_endpoint_common.hpp"
#include "json_reply.hpp"

namespace latchkey::agent {

namespace {

const char* const kEndpoint = "aws-container-credentials";

// Errors as the ECS agent's container credentials service gives them:
// {code, message}; the same again as {Code, Message}, which is what the AWS
// SDK for JavaScript's container provider (fromHttp) reads and reports.
Response aws_error(http::status status, const std::string& code, const std::string& message) {
    return json_response(status, [&](JsonWriter& w) {
        put(w, "code", code);
        put(w, "message", message);
        put(w, "Code", code);
        put(w, "Message", message);
    });
}

// The site's token is the credential_process document (the exec provider's
// AWS form): its fields, renamed as the container service names them.
Response from_credential_process(const std::string& site, const std::string& token) {
    rapidjson::Document doc;
    auto str = [&](const char* key) -> std::string {
        auto it = doc.FindMember(key);
        return it != doc.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
    };
    if (common::parse_bounded_json(doc, token) || !doc.IsObject() || str("AccessKeyId").empty() ||
        str("SecretAccessKey").empty())
        throw Error(ErrorKind::config,
                    "site '" + site +
                        "' has cloud_endpoint = \"aws\", but its credential is not an AWS one; "
                        "use the exec provider with a program that prints a credential_process "
                        "answer (and no aws_token option)");
    return json_response(http::status::ok, [&](JsonWriter& w) {
        put(w, "AccessKeyId", str("AccessKeyId"));
        put(w, "SecretAccessKey", str("SecretAccessKey"));
        if (auto t = str("SessionToken"); !t.empty()) put(w, "Token", t);
        if (auto e = str("Expiration"); !e.empty()) put(w, "Expiration", e);
    });
}

}  // namespace

Response AwsCredentials::refuse(const Peer& peer, http::status status, const std::string& why) {
    state_.audit().record(site_, peer, kEndpoint, "invalid", why);
    return aws_error(status, "InvalidRequest", why);
}

void AwsCredentials::serve(Request&& request, const Peer& peer, Respond respond) {
    auto auth = request.find(http::field::authorization);
    if (auth == request.end() ||
        !same_secret(std::string_view(auth->value().data(), auth->value().size()), secret_)) {
        std::string why =
            "the Authorization header is not this agent's "
            "AWS_CONTAINER_AUTHORIZATION_TOKEN (see `latchkey agent env --at " +
            site_ + "`)";
        state_.audit().record(site_, peer, kEndpoint, "refused", why);
        return respond(aws_error(http::status::forbidden, "AccessDenied", why));
    }
    if (request.method() != http::verb::get) {
        state_.audit().record(site_, peer, kEndpoint, "invalid", "not GET");
        return respond(aws_error(http::status::method_not_allowed, "InvalidRequest", "use GET"));
    }
    std::string site = site_;
    answer_from_credential(
        state_, site, peer, kEndpoint, std::move(respond),
        [site](const Credential& c) { return from_credential_process(site, c.token()); },
        [](const Error& e) {
            return aws_error(http::status::internal_server_error, to_string(e.kind()), e.what());
        },
        aws_error(http::status::service_unavailable, "Busy",
                  "too many requests wait for site '" + site + "'"));
}

}  // namespace latchkey::agent
