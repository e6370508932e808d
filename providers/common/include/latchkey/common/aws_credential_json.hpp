// The AWS credential_process answer (Version 1), written again compactly
// from a parsed one: the exec provider keeps it as its token, and
// `latchkey aws-credential` hands it back to AWS SDKs.
#ifndef LATCHKEY_COMMON_AWS_CREDENTIAL_JSON_HPP
#define LATCHKEY_COMMON_AWS_CREDENTIAL_JSON_HPP

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <latchkey/common/json.hpp>
#include <string>

namespace latchkey::common {

// `expiration_if_missing`: written as Expiration when the answer has none
// ("" = leave it out).
inline std::string aws_credential_json(const rapidjson::Value& doc,
                                       const std::string& expiration_if_missing = "") {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("Version");
    w.Int(1);
    for (const char* key : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}) {
        if (const rapidjson::Value* v = string_member(doc, key)) {
            w.Key(key);
            w.String(v->GetString(), v->GetStringLength());
        } else if (std::string_view(key) == "Expiration" && !expiration_if_missing.empty()) {
            w.Key(key);
            w.String(expiration_if_missing.c_str());
        }
    }
    w.EndObject();
    return buf.GetString();
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_AWS_CREDENTIAL_JSON_HPP
