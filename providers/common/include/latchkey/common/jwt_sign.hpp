// Makes a signed JWT (RFC 7519, JWS compact serialisation) from a claims
// object. The signature comes from the host's `sign` service: providers carry
// no crypto of their own.
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

// header.payload.signature for `claims`. A key the host cannot use (missing,
// unparsable, wrong passphrase, wrong type for alg) is a configuration error
// naming the site, the file and what to check; the passphrase never appears.
inline std::string sign_jwt(const sdk::Host& host, const SigningKey& key,
                            const rapidjson::Value& claims) {
    rapidjson::Document header;
    header.SetObject();
    add_string(header, header, "alg", key.alg);
    add_string(header, header, "typ", "JWT");
    if (!key.key_id.empty()) add_string(header, header, "kid", key.key_id);

    const std::string signing_input =
        host.base64(to_json(header), true) + "." + host.base64(to_json(claims), true);
    std::string signature;
    try {
        signature = host.sign(key.alg, key.key_file, key.passphrase, signing_input);
    } catch (const sdk::Error& e) {
        if (e.status() != LATCHKEY_E_CONFIG) throw;
        // The host's message names the file and what is wrong with it; the
        // host prefixes the site to what this throws, so drop its own.
        std::string why = e.what();
        const std::string own_prefix = "site '" + host.site() + "': ";
        if (why.rfind(own_prefix, 0) == 0) why.erase(0, own_prefix.size());
        throw sdk::config_error(printable(why) + "; check " + key.file_option +
                                ", its passphrase and signing_alg (" + key.alg + ")");
    }
    const std::string jwt = signing_input + "." + host.base64(signature, true);
    host.add_secret(jwt);  // a bearer credential for as long as it lives
    return jwt;
}

}  // namespace latchkey::common

#endif  // LATCHKEY_COMMON_JWT_SIGN_HPP
