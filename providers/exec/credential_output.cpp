#include "credential_output.hpp"

#include <rapidjson/document.h>

#include <cmath>
#include <latchkey/common/aws_credential_json.hpp>
#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>

namespace latchkey::exec {

const char* const kAcceptedFormats =
    "a Kubernetes ExecCredential (client.authentication.k8s.io/v1) with status.token, an AWS "
    "credential_process object (Version 1), or latchkey's {\"token\": ...}";

namespace {

using common::member;
using common::string_member;
using rapidjson::Value;

constexpr const char* kK8sV1 = "client.authentication.k8s.io/v1";
constexpr const char* kK8sV1beta1 = "client.authentication.k8s.io/v1beta1";

// Later than this as Unix seconds is surely milliseconds given by mistake.
constexpr double kLatestSeconds = 1e11;

void add_string(std::vector<std::string>& to, const Value* v) {
    if (v && v->IsString() && v->GetStringLength() > 0) to.emplace_back(v->GetString());
}

// A non-empty string member, or a FormatError naming `what`.
std::string required_string(const Value& obj, const char* key, const std::string& what) {
    const Value* v = member(obj, key);
    if (!v) throw FormatError(what + " has no " + key);
    if (!v->IsString() || v->GetStringLength() == 0)
        throw FormatError(what + "'s " + key + " is not a non-empty string");
    return v->GetString();
}

// The host's time service reads the timestamp (ABI 1.3).
int64_t timestamp_ms(const sdk::Host& host, const Value& v, const std::string& field) {
    if (!v.IsString()) throw FormatError(field + " is not an RFC 3339 timestamp string");
    try {
        return host.parse_time(v.GetString(), LATCHKEY_TIME_RFC3339);
    } catch (const sdk::Error&) {
        throw FormatError(field + " \"" + common::printable(v.GetString(), 60) +
                          "\" is not an RFC 3339 timestamp such as 2030-01-31T12:00:00Z");
    }
}

ParsedOutput kubernetes(const sdk::Host& host, const Value& doc) {
    const std::string what = "the ExecCredential";
    const Value* api = string_member(doc, "apiVersion");
    if (!api) throw FormatError(what + " has no apiVersion");
    std::string version = api->GetString();
    if (version != kK8sV1 && version != kK8sV1beta1)
        throw FormatError(what + " has apiVersion \"" + common::printable(version, 80) +
                          "\"; latchkey reads " + kK8sV1 + " (and v1beta1)");
    const Value* kind = string_member(doc, "kind");
    if (!kind || std::string_view(kind->GetString()) != "ExecCredential")
        throw FormatError("its kind is not ExecCredential");
    const Value* status = member(doc, "status");
    if (!status || !status->IsObject()) throw FormatError(what + " has no status object");
    if (!member(*status, "token") && member(*status, "clientCertificateData"))
        throw FormatError(what +
                          " holds a client certificate (status.clientCertificateData); latchkey "
                          "presents tokens only, so the program must give status.token");
    ParsedOutput p;
    p.format = "Kubernetes ExecCredential";
    p.credential.token = required_string(*status, "token", what + "'s status");
    p.credential.token_type = "Bearer";
    if (const Value* exp = member(*status, "expirationTimestamp"); exp && !exp->IsNull())
        p.credential.expires_at_ms = timestamp_ms(host, *exp, "status.expirationTimestamp");
    return p;
}


ParsedOutput aws(const sdk::Host& host, const Value& doc, AwsToken choice) {
    const std::string what = "the AWS credential_process object";
    const Value* version = member(doc, "Version");
    if (!version->IsInt() || version->GetInt() != 1)
        throw FormatError(what + " has a Version other than 1");
    ParsedOutput p;
    p.format = "AWS credential_process";
    std::string key_id = required_string(doc, "AccessKeyId", what);
    std::string secret = required_string(doc, "SecretAccessKey", what);
    const Value* session = member(doc, "SessionToken");
    if (session && !session->IsNull() && (!session->IsString() || !session->GetStringLength()))
        throw FormatError(what + "'s SessionToken is not a non-empty string");
    switch (choice) {
        case AwsToken::credential_process:
            p.credential.token = common::aws_credential_json(doc);
            break;
        case AwsToken::session_token:
            if (!session || session->IsNull())
                throw FormatError(what +
                                  " has no SessionToken, which aws_token = "
                                  "\"session_token\" presents");
            p.credential.token = session->GetString();
            break;
        case AwsToken::secret_access_key:
            p.credential.token = secret;
            break;
    }
    // AWS credentials sign requests (SigV4); there is no scheme to name.
    p.credential.token_type = "";
    p.credential.extras["aws_access_key_id"] = key_id;
    if (const Value* exp = member(doc, "Expiration"); exp && !exp->IsNull())
        p.credential.expires_at_ms = timestamp_ms(host, *exp, "Expiration");
    return p;
}

ParsedOutput latchkey_form(const sdk::Host& host, const Value& doc) {
    const std::string what = "the {\"token\"} object";
    ParsedOutput p;
    p.format = "latchkey";
    p.credential.token = required_string(doc, "token", what);
    if (const Value* type = member(doc, "token_type"); type && !type->IsNull()) {
        if (!type->IsString()) throw FormatError("token_type is not a string");
        p.credential.token_type = type->GetString();
    }
    if (const Value* header = member(doc, "header_name"); header && !header->IsNull()) {
        if (!header->IsString()) throw FormatError("header_name is not a string");
        p.credential.header_name = header->GetString();
    }
    if (const Value* exp = member(doc, "expires_at"); exp && !exp->IsNull()) {
        if (exp->IsNumber()) {
            double s = exp->GetDouble();
            if (!std::isfinite(s) || s <= 0 || s >= kLatestSeconds)
                // Quoted as the program wrote it: 1e300 has no int64_t value.
                throw FormatError("expires_at " + common::to_json(*exp) +
                                  " is not Unix time in seconds");
            p.credential.expires_at_ms = static_cast<int64_t>(std::llround(s * 1000));
        } else {
            p.credential.expires_at_ms = timestamp_ms(host, *exp, "expires_at");
        }
    }
    if (const Value* extras = member(doc, "extras"); extras && !extras->IsNull()) {
        if (!extras->IsObject()) throw FormatError("extras is not an object");
        common::for_each_member(*extras, [&](const Value& name, const Value& value) {
            if (!value.IsString())
                throw FormatError(std::string("extras.") + name.GetString() + " is not a string");
            p.credential.extras[name.GetString()] = common::printable(value.GetString(), 1000);
        });
    }
    return p;
}

}  // namespace

std::vector<std::string> secrets_in(std::string_view out) {
    std::vector<std::string> found;
    rapidjson::Document doc;
    if (common::parse_bounded_json(doc, out) || !doc.IsObject()) return found;
    add_string(found, member(doc, "token"));
    add_string(found, member(doc, "SecretAccessKey"));
    add_string(found, member(doc, "SessionToken"));
    if (const Value* status = member(doc, "status")) {
        add_string(found, member(*status, "token"));
        add_string(found, member(*status, "clientKeyData"));
    }
    return found;
}

ParsedOutput parse_output(const sdk::Host& host, std::string_view out, AwsToken aws_token) {
    if (common::trim(out).empty()) throw FormatError("it printed nothing on standard output");
    rapidjson::Document doc;
    if (auto problem = common::parse_bounded_json(doc, out))
        throw FormatError("its standard output is not JSON (" + problem->what + " at byte " +
                          std::to_string(problem->offset) + ")");
    if (!doc.IsObject()) throw FormatError("its standard output is JSON but not an object");
    if (member(doc, "kind") || member(doc, "apiVersion")) return kubernetes(host, doc);
    if (member(doc, "Version")) return aws(host, doc, aws_token);
    if (member(doc, "token")) return latchkey_form(host, doc);
    throw FormatError("its standard output is a JSON object of none of the accepted forms");
}

}  // namespace latchkey::exec
