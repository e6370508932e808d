#include "test_crypto.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

namespace latchkey::devtest {

std::string base64url(const std::string& bytes) {
    std::vector<unsigned char> out((bytes.size() + 2) / 3 * 4 + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    std::string text(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
    text.erase(text.find_last_not_of('=') + 1);
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
}

std::string base64url_decode(const std::string& text) {
    std::string standard = text;
    std::replace(standard.begin(), standard.end(), '-', '+');
    std::replace(standard.begin(), standard.end(), '_', '/');
    const std::size_t pad = (4 - standard.size() % 4) % 4;
    standard.append(pad, '=');
    std::vector<unsigned char> out(standard.size() / 4 * 3 + 1);
    const int n =
        EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(standard.data()),
                        static_cast<int>(standard.size()));
    if (n < 0) {
        return "";
    }
    return std::string(reinterpret_cast<const char*>(out.data()),
                       static_cast<std::size_t>(n) - pad);
}

std::string s256_challenge(const std::string& verifier) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(verifier.data(), verifier.size(), digest, &len, EVP_sha256(), nullptr);
    return base64url(std::string(reinterpret_cast<const char*>(digest), len));
}

}  // namespace latchkey::devtest

namespace latchkey::devtest {
namespace {

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

BIGNUM* bignum(const std::string& b64url) {
    const std::string bytes = base64url_decode(b64url);
    return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                     static_cast<int>(bytes.size()), nullptr);
}

PkeyPtr rsa_public_key(const std::string& n, const std::string& e) {
    BIGNUM* bn_n = bignum(n);
    BIGNUM* bn_e = bignum(e);
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_fromdata_init(ctx) == 1) {
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return PkeyPtr(key, EVP_PKEY_free);
}

// ECDSA signatures come out of OpenSSL as DER; JWS wants R and S as 32 bytes each.
std::string der_to_raw_p256(const std::vector<unsigned char>& der) {
    const unsigned char* p = der.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
    if (sig == nullptr) {
        return "";
    }
    unsigned char raw[64];
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32);
    ECDSA_SIG_free(sig);
    return std::string(reinterpret_cast<const char*>(raw), 64);
}

}  // namespace

std::string jwt_part(const std::string& jwt, int part) {
    const auto first = jwt.find('.');
    const auto second = jwt.find('.', first + 1);
    if (first == std::string::npos || second == std::string::npos) {
        return "";
    }
    return base64url_decode(part == 0 ? jwt.substr(0, first)
                                      : jwt.substr(first + 1, second - first - 1));
}

bool verify_rs256(const std::string& jwt, const std::string& n, const std::string& e) {
    const auto dot = jwt.rfind('.');
    if (dot == std::string::npos) {
        return false;
    }
    const std::string input = jwt.substr(0, dot);
    const std::string signature = base64url_decode(jwt.substr(dot + 1));
    const PkeyPtr key = rsa_public_key(n, e);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok =
        key && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                         input.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

bool make_key_pair(const std::string& dir, const std::string& name, const std::string& type) {
    const std::string key = dir + "/" + name + ".key";
    const std::string pub = dir + "/" + name + ".pub";
    const std::string algorithm = type == "ec" ? "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
                                               : "-algorithm RSA -pkeyopt rsa_keygen_bits:2048";
    const std::string cmd = "openssl genpkey " + algorithm + " -out '" + key +
                            "' 2>/dev/null && openssl pkey -in '" + key + "' -pubout -out '" + pub +
                            "' 2>/dev/null";
    return std::system(cmd.c_str()) == 0;
}

std::string sign_jwt(const std::string& private_key_pem_path, const std::string& alg,
                     const std::string& payload_json) {
    FILE* f = std::fopen(private_key_pem_path.c_str(), "r");
    if (f == nullptr) {
        return "";
    }
    PkeyPtr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr), EVP_PKEY_free);
    std::fclose(f);
    const std::string input =
        base64url("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + base64url(payload_json);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    std::vector<unsigned char> signature;
    if (key && EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1) {
        signature.resize(len);
        EVP_DigestSign(ctx, signature.data(), &len,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size());
        signature.resize(len);
    }
    EVP_MD_CTX_free(ctx);
    const std::string sig = alg == "ES256" ? der_to_raw_p256(signature)
                                           : std::string(signature.begin(), signature.end());
    return input + "." + base64url(sig);
}

}  // namespace latchkey::devtest
