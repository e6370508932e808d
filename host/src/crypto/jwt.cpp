#include "crypto/jwt.hpp"

#include <rapidjson/document.h>

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/json.hpp>

#include "crypto/primitives.hpp"
#include "crypto/signing.hpp"

namespace latchkey::crypto {

namespace {

// `text` as a JSON object in `doc`, or false with the reason in `failure`.
bool object_of(std::string_view text, const char* what, rapidjson::Document& doc,
               JwtFailure& failure) {
    if (auto problem = common::parse_bounded_json(doc, text)) {
        failure.message = std::string("the JWT ") + what + " is not JSON: " + problem->describe();
        return false;
    }
    if (!doc.IsObject()) {
        failure.message = std::string("the JWT ") + what + " is not a JSON object";
        return false;
    }
    return true;
}

}  // namespace

std::optional<std::string> sign_jwt(const std::string& alg, const std::string& key_file,
                                    const char* passphrase, std::string_view header_json,
                                    std::string_view claims_json, JwtFailure& failure) {
    rapidjson::Document header, claims;
    if (!object_of(header_json.empty() ? "{}" : header_json, "header", header, failure) ||
        !object_of(claims_json, "claims", claims, failure))
        return std::nullopt;
    auto& a = header.GetAllocator();
    header.RemoveMember("alg");
    header.AddMember("alg", rapidjson::Value(alg.c_str(), a), a);
    if (!header.HasMember("typ")) header.AddMember("typ", "JWT", a);

    const std::string input = base64_encode(common::to_json(header), true) + "." +
                              base64_encode(common::to_json(claims), true);
    auto signature = sign_pem(alg, key_file, passphrase, input, failure.message);
    if (!signature) {
        failure.key_problem = true;
        return std::nullopt;
    }
    return input + "." + base64_encode(*signature, true);
}

}  // namespace latchkey::crypto
