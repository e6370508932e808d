// Verifying JWTs other parties sign (RFC 7515 compact JWS, RFC 7518 RS256/ES256): the
// JWT bearer grant's assertion and private_key_jwt client assertions.
#pragma once

#include <openssl/evp.h>
#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace devserver {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

struct Jwt {
    rapidjson::Document header;
    rapidjson::Document claims;
};

// A PEM public key ("BEGIN PUBLIC KEY") or certificate ("BEGIN CERTIFICATE") from
// `path`, RSA or EC. On failure, a message naming the file.
std::variant<PkeyPtr, std::string> load_public_key(const std::string& path);

// Splits and parses a compact JWT without checking its signature (to learn who claims to
// have signed it). On failure, a message.
std::variant<Jwt, std::string> decode_jwt(std::string_view compact);

// Decodes and checks the signature with `key`: alg must be RS256 (RSA key) or ES256
// (P-256 key, signature as R||S). On failure, a message.
std::variant<Jwt, std::string> verify_jwt(std::string_view compact, EVP_PKEY* key);

}  // namespace devserver
