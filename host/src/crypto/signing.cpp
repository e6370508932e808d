#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstring>
#include <memory>

#include "crypto/crypto_module.hpp"
#include "util/regular_file.hpp"

namespace latchkey::crypto {
namespace {

struct Algorithm {
    std::string_view name;
    const EVP_MD* (*digest)();
    int key_type;        // EVP_PKEY_RSA or EVP_PKEY_EC
    bool pss;            // RSASSA-PSS instead of PKCS#1 v1.5
    int ec_field_bytes;  // size of r and s in a JOSE ECDSA signature
    const char* curve;   // ES*: the one curve RFC 7518 allows
};

const Algorithm* find_algorithm(std::string_view alg) {
    static const Algorithm all[] = {
        {"RS256", EVP_sha256, EVP_PKEY_RSA, false, 0, nullptr},
        {"RS384", EVP_sha384, EVP_PKEY_RSA, false, 0, nullptr},
        {"RS512", EVP_sha512, EVP_PKEY_RSA, false, 0, nullptr},
        {"PS256", EVP_sha256, EVP_PKEY_RSA, true, 0, nullptr},
        {"PS384", EVP_sha384, EVP_PKEY_RSA, true, 0, nullptr},
        {"ES256", EVP_sha256, EVP_PKEY_EC, false, 32, "prime256v1"},
        {"ES384", EVP_sha384, EVP_PKEY_EC, false, 48, "secp384r1"},
    };
    for (const auto& a : all)
        if (a.name == alg) return &a;
    return nullptr;
}

// OpenSSL's default callback would prompt on the terminal for an encrypted
// key; a provider's key must never do that, so no passphrase means failure.
int passphrase_callback(char* buf, int size, int, void* user) {
    const char* pass = static_cast<const char*>(user);
    if (!pass) return -1;
    int len = static_cast<int>(std::strlen(pass));
    if (len > size) return -1;
    std::memcpy(buf, pass, static_cast<size_t>(len));
    return len;
}

std::string openssl_reason() {
    unsigned long e = ERR_peek_last_error();
    ERR_clear_error();
    if (!e) return "unknown error";
    const char* r = ERR_reason_error_string(e);
    return r ? r : "unknown error";
}

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// PKCS#8 "ENCRYPTED PRIVATE KEY" or a traditional PEM with Proc-Type ENCRYPTED.
bool looks_encrypted(std::string_view pem) {
    size_t end = 0;
    for (int i = 0; i < 4 && end != std::string_view::npos; ++i) end = pem.find('\n', end + 1);
    return pem.substr(0, end).find("ENCRYPTED") != std::string_view::npos;
}

PKey read_key(const std::string& key_file, const char* passphrase, std::string& error) {
    // Read here, as a regular file of bounded size (util/regular_file.hpp),
    // not by OpenSSL: a FIFO or a device would hang or never end.
    auto file = util::read_regular_file(key_file);
    if (!file.text) {
        error = "cannot read private key: " + file.error;
        return {nullptr, &EVP_PKEY_free};
    }
    std::string& pem = *file.text;
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    PKey key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_callback,
                                           const_cast<char*>(passphrase))
                 : nullptr,
             &EVP_PKEY_free);
    if (!key) {
        std::string reason = openssl_reason();
        if (looks_encrypted(pem))
            error = "private key " + key_file + " could not be decrypted: " +
                    (passphrase ? "wrong passphrase" : "it is encrypted and no passphrase is set");
        else
            error = "private key " + key_file + " is not a PEM private key (" + reason + ")";
    }
    bio.reset();
    OPENSSL_cleanse(pem.data(), pem.capacity());
    return key;
}

// DER ECDSA-Sig-Value -> fixed-width r||s (RFC 7518 §3.4).
std::optional<std::string> der_to_jose(const std::string& der, int field_bytes) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
        d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
    if (!sig) return std::nullopt;
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    std::string out(static_cast<size_t>(field_bytes) * 2, '\0');
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    if (BN_bn2binpad(r, o, field_bytes) < 0 || BN_bn2binpad(s, o + field_bytes, field_bytes) < 0)
        return std::nullopt;
    return out;
}

}  // namespace

std::optional<std::string> sign_pem_with_openssl(std::string_view alg, const std::string& key_file,
                                                 const char* passphrase, std::string_view data,
                                                 std::string& error) {
    const Algorithm* a = find_algorithm(alg);
    if (!a) {
        error = "unsupported signing algorithm '" + std::string(alg) +
                "' (RS256, RS384, RS512, PS256, PS384, ES256, ES384)";
        return std::nullopt;
    }
    PKey key = read_key(key_file, passphrase, error);
    if (!key) return std::nullopt;
    if (EVP_PKEY_get_base_id(key.get()) != a->key_type) {
        error = "private key " + key_file + " is " +
                (EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC ? "an EC" : "not an EC") +
                " key; " + std::string(alg) + " needs " +
                (a->key_type == EVP_PKEY_RSA ? "an RSA key" : "an EC key");
        return std::nullopt;
    }
    if (a->key_type == EVP_PKEY_EC) {
        char group[64] = {0};
        size_t group_len = 0;
        EVP_PKEY_get_group_name(key.get(), group, sizeof group, &group_len);
        if (std::string_view(group) != a->curve) {
            error = "private key " + key_file + " is on curve " + (group[0] ? group : "unknown") +
                    "; " + std::string(alg) + " needs P-" + std::to_string(a->ec_field_bytes * 8);
            return std::nullopt;
        }
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    EVP_PKEY_CTX* pctx = nullptr;
    size_t len = 0;
    bool ok = ctx && EVP_DigestSignInit(ctx.get(), &pctx, a->digest(), nullptr, key.get()) == 1;
    if (ok && a->pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    ok =
        ok && EVP_DigestSign(ctx.get(), nullptr, &len,
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    std::string sig(len, '\0');
    ok =
        ok && EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    if (!ok) {
        error = "signing with " + key_file + " failed: " + openssl_reason();
        return std::nullopt;
    }
    sig.resize(len);
    if (a->key_type != EVP_PKEY_EC) return sig;
    auto jose = der_to_jose(sig, a->ec_field_bytes);
    if (!jose) error = "signing with " + key_file + " produced a malformed ECDSA signature";
    return jose;
}

}  // namespace latchkey::util
