#include "jwt.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <vector>

#include "base64.hpp"

namespace devserver {
namespace {

struct Parts {
    std::string_view header, payload, signature, signing_input;
};

std::optional<Parts> split(std::string_view compact) {
    const auto first = compact.find('.');
    const auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos ||
        compact.find('.', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    return Parts{compact.substr(0, first), compact.substr(first + 1, second - first - 1),
                 compact.substr(second + 1), compact.substr(0, second)};
}

bool parse_object(std::string_view b64, rapidjson::Document& out) {
    const auto json = decode_base64url(b64);
    if (!json) {
        return false;
    }
    out.Parse(json->data(), json->size());
    return !out.HasParseError() && out.IsObject();
}

// JWS ES256 signatures are R||S, 32 bytes each; OpenSSL verifies DER.
std::optional<std::string> raw_to_der(const std::string& raw) {
    if (raw.size() != 64) {
        return std::nullopt;
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
    BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
    if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char* der = nullptr;
    const int len = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (len <= 0) {
        return std::nullopt;
    }
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

}  // namespace

std::variant<PkeyPtr, std::string> load_public_key(const std::string& path) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
    if (!bio) {
        return "cannot read key file " + path;
    }
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!key) {
        BIO_reset(bio.get());
        std::unique_ptr<X509, decltype(&X509_free)> cert(
            PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
        if (cert) {
            key.reset(X509_get_pubkey(cert.get()));
        }
    }
    if (!key) {
        return "no PEM public key or certificate in " + path;
    }
    return key;
}

std::variant<Jwt, std::string> decode_jwt(std::string_view compact) {
    const auto parts = split(compact);
    if (!parts) {
        return std::string("not a compact JWT (three dot-separated parts)");
    }
    Jwt jwt;
    if (!parse_object(parts->header, jwt.header) || !parse_object(parts->payload, jwt.claims)) {
        return std::string("JWT header or claims are not base64url JSON objects");
    }
    return jwt;
}

std::variant<Jwt, std::string> verify_jwt(std::string_view compact, EVP_PKEY* key) {
    auto decoded = decode_jwt(compact);
    if (auto* error = std::get_if<std::string>(&decoded)) {
        return *error;
    }
    Jwt& jwt = std::get<Jwt>(decoded);
    const auto alg = jwt.header.FindMember("alg");
    const std::string name =
        alg != jwt.header.MemberEnd() && alg->value.IsString() ? alg->value.GetString() : "";
    const bool rsa = EVP_PKEY_is_a(key, "RSA");
    const bool ec = EVP_PKEY_is_a(key, "EC");
    if (!((name == "RS256" && rsa) || (name == "ES256" && ec))) {
        return "JWT alg \"" + name + "\" does not fit the configured " +
               (rsa  ? "RSA"
                : ec ? "EC"
                     : "other") +
               " key (RS256 and ES256 are accepted)";
    }
    const auto parts = split(compact);
    auto signature = decode_base64url(parts->signature);
    if (signature && ec) {
        signature = raw_to_der(*signature);
    }
    if (!signature) {
        return std::string("JWT signature is malformed");
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    const bool valid =
        ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                         signature->size(),
                         reinterpret_cast<const unsigned char*>(parts->signing_input.data()),
                         parts->signing_input.size()) == 1;
    if (!valid) {
        return std::string("JWT signature does not verify with the configured key");
    }
    return std::move(jwt);
}

}  // namespace devserver
