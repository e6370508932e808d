#include "signing_key.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <vector>

#include "base64.hpp"
#include "json.hpp"

namespace devserver {
namespace {

std::string bignum_param(EVP_PKEY* key, const char* name) {
    BIGNUM* bn = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) {
        throw std::runtime_error("cannot read the RSA key");
    }
    std::vector<unsigned char> bytes(static_cast<std::size_t>(BN_num_bytes(bn)));
    BN_bn2bin(bn, bytes.data());
    BN_free(bn);
    return encode_base64url(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// RFC 7638-ish: a short, stable name derived from the public key.
std::string key_id(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key, &der);
    if (len <= 0) {
        throw std::runtime_error("cannot encode the public key");
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_Digest(der, static_cast<std::size_t>(len), digest, &digest_len, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    return encode_base64url(std::string_view(reinterpret_cast<const char*>(digest), 12));
}

}  // namespace

EVP_PKEY* SigningKey::key() {
    std::call_once(once_, [this] {
        pkey_.reset(EVP_RSA_gen(2048));
        if (!pkey_) {
            throw std::runtime_error("cannot generate the ID token signing key");
        }
        kid_ = key_id(pkey_.get());
    });
    return pkey_.get();
}

std::string SigningKey::sign_jwt(std::string_view payload_json) {
    EVP_PKEY* pkey = key();
    const std::string header = make_json([&](JsonWriter& w) {
        w.StartObject();
        w.Key("alg");
        w.String("RS256");
        w.Key("typ");
        w.String("JWT");
        w.Key("kid");
        write_string(w, kid_);
        w.EndObject();
    });
    const std::string input = encode_base64url(header) + '.' + encode_base64url(payload_json);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
        throw std::runtime_error("cannot sign the ID token");
    }
    std::vector<unsigned char> signature(len);
    if (EVP_DigestSign(ctx.get(), signature.data(), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
        throw std::runtime_error("cannot sign the ID token");
    }
    return input + '.' +
           encode_base64url(std::string_view(reinterpret_cast<const char*>(signature.data()), len));
}

std::string SigningKey::public_jwk_json() {
    EVP_PKEY* pkey = key();
    return make_json([&](JsonWriter& w) {
        w.StartObject();
        w.Key("kty");
        w.String("RSA");
        w.Key("use");
        w.String("sig");
        w.Key("alg");
        w.String("RS256");
        w.Key("kid");
        write_string(w, kid_);
        w.Key("n");
        write_string(w, bignum_param(pkey, OSSL_PKEY_PARAM_RSA_N));
        w.Key("e");
        write_string(w, bignum_param(pkey, OSSL_PKEY_PARAM_RSA_E));
        w.EndObject();
    });
}

}  // namespace devserver
