// Makes a signed JWT (RFC 7519, JWS compact serialisation) from a claims
// object through the host's `sign_jwt` service: providers carry no crypto
// and no JOSE encoding of their own.
#ifndef LATCHKEY_COMMON_JWT_SIGN_HPP
#define LATCHKEY_COMMON_JWT_SIGN_HPP

#include <rapidjson/document.h>

#include <latchkey/common/json.hpp>
#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <string_view>

namespace latchkey::common {

// The JOSE algorithms the host can sign with.
inline bool is_signing_alg(std::string_view alg) {
    return alg == "RS256" || alg == "RS384" || alg == "RS512" || alg == "PS256" || alg == "ES256" ||
           alg == "ES384";
}

inline constexpr const char* kSigningAlgs = "RS256, RS384, RS512, PS256, ES256, ES384";

// A private key as the policy names it.
struct SigningKey {
    std::string alg = "RS256";
    std::string key_file;    // PEM
    std::string passphrase;  // "" when the key is not encrypted
    std::string key_id;      // "" for no `kid` header
    // Names the options in messages ("private_key_file", say).
    std::string file_option = "private_key_file";
};

// header.payload.signature for `claims`, made by the host's sign_jwt service
// (ABI 1.3): the key, the JOSE header's "alg"/"typ" and the base64url
// encoding are all the host's. A key the host cannot use (missing,
// unparsable, wrong passphrase, wrong type for alg) is a configuration error
// naming the file and what to check; the passphrase never appears.
inline std::string sign_jwt(const sdk::Host& host, const SigningKey& key,
                            const rapidjson::Value& claims) {
    sdk::JsonObject header(host);
    if (!key.key_id.empty()) header.add("kid", key.key_id);
    try {
        return host.sign_jwt(key.alg, key.key_file, key.passphrase, header.done(), to_json(claims));
    } catch (const sdk::Error& e) {
        if (e.status() != LATCHKEY_E_CONFIG) throw;
        throw sdk::config_error(printable(e.what()) + "; check " + key.file_option +
                                ", its passphrase and signing_alg (" + key.alg + ")");
    }
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_JWT_SIGN_HPP
