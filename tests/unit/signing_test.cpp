// The `sign` host service's signer: real keys made by the openssl command,
// signatures checked with OpenSSL's verifier, and every refusal a provider
// author will meet (wrong passphrase, wrong key type, not a key).
#include "crypto/signing.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "process.hpp"
#include "temp_dir.hpp"

namespace {

using latchkey::test::TempDir;

class Signing : public ::testing::Test {
 protected:
    void SetUp() override {
        rsa_ = dir_.file("rsa.pem");
        ec_ = dir_.file("ec.pem");
        ec384_ = dir_.file("ec384.pem");
        encrypted_ = dir_.file("encrypted.pem");
        openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa_});
        openssl(
            {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec_});
        openssl(
            {"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", ec384_});
        openssl({"pkey", "-in", rsa_, "-aes256", "-passout", "pass:" + kPassphrase, "-out",
                 encrypted_});
    }

    static void openssl(std::vector<std::string> args) {
        args.insert(args.begin(), "/usr/bin/openssl");
        auto r = latchkey::test::run(args);
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    // Verifies `sig` over `data` with the public half of `key_file`.
    static bool verifies(const std::string& key_file, const std::string& alg,
                         const std::string& data, std::string sig, const char* pass = nullptr) {
        std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(key_file.c_str(), "r"),
                                                      &BIO_free);
        std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
            PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, const_cast<char*>(pass)),
            &EVP_PKEY_free);
        if (!key) return false;
        if (alg[0] == 'E') {  // JOSE r||s back to DER
            size_t half = sig.size() / 2;
            ECDSA_SIG* s = ECDSA_SIG_new();
            ECDSA_SIG_set0(s,
                           BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()),
                                     static_cast<int>(half), nullptr),
                           BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data() + half),
                                     static_cast<int>(half), nullptr));
            unsigned char* der = nullptr;
            int len = i2d_ECDSA_SIG(s, &der);
            sig.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
            OPENSSL_free(der);
            ECDSA_SIG_free(s);
        }
        const EVP_MD* md = alg.substr(2) == "256"   ? EVP_sha256()
                           : alg.substr(2) == "384" ? EVP_sha384()
                                                    : EVP_sha512();
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
        EVP_PKEY_CTX* pctx = nullptr;
        if (EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, key.get()) != 1) return false;
        if (alg[0] == 'P') {
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
        }
        return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()),
                                sig.size(), reinterpret_cast<const unsigned char*>(data.data()),
                                data.size()) == 1;
    }

    const std::string kPassphrase = "Sign-Pass-9c1e";
    const std::string kData = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ0ZXN0In0";
    TempDir dir_;
    std::string rsa_, ec_, ec384_, encrypted_;
};

TEST_F(Signing, EveryRsaAlgorithmProducesAVerifiableSignature) {
    for (std::string alg : {"RS256", "RS384", "RS512", "PS256", "PS384"}) {
        std::string error;
        auto sig = latchkey::crypto::sign_pem(alg, rsa_, nullptr, kData, error);
        ASSERT_TRUE(sig) << alg << ": " << error;
        EXPECT_EQ(sig->size(), 256u) << alg;
        EXPECT_TRUE(verifies(rsa_, alg, kData, *sig)) << alg;
        EXPECT_FALSE(verifies(rsa_, alg, kData + "x", *sig)) << alg;
    }
}

TEST_F(Signing, EcdsaSignaturesAreJoseSized) {
    std::string error;
    auto es256 = latchkey::crypto::sign_pem("ES256", ec_, nullptr, kData, error);
    ASSERT_TRUE(es256) << error;
    EXPECT_EQ(es256->size(), 64u);
    EXPECT_TRUE(verifies(ec_, "ES256", kData, *es256));
    auto es384 = latchkey::crypto::sign_pem("ES384", ec384_, nullptr, kData, error);
    ASSERT_TRUE(es384) << error;
    EXPECT_EQ(es384->size(), 96u);
    EXPECT_TRUE(verifies(ec384_, "ES384", kData, *es384));
}

TEST_F(Signing, EncryptedKeyWithItsPassphrase) {
    std::string error;
    auto sig = latchkey::crypto::sign_pem("RS256", encrypted_, kPassphrase.c_str(), kData, error);
    ASSERT_TRUE(sig) << error;
    EXPECT_TRUE(verifies(encrypted_, "RS256", kData, *sig, kPassphrase.c_str()));
}

TEST_F(Signing, WrongPassphraseIsNamedAndNeverEchoed) {
    std::string error;
    EXPECT_FALSE(latchkey::crypto::sign_pem("RS256", encrypted_, "not-it-3f9", kData, error));
    EXPECT_NE(error.find("could not be decrypted: wrong passphrase"), std::string::npos) << error;
    EXPECT_NE(error.find(encrypted_), std::string::npos) << error;
    EXPECT_EQ(error.find("not-it-3f9"), std::string::npos) << error;
}

TEST_F(Signing, EncryptedKeyWithoutPassphraseFailsInsteadOfPrompting) {
    std::string error;
    EXPECT_FALSE(latchkey::crypto::sign_pem("RS256", encrypted_, nullptr, kData, error));
    EXPECT_NE(error.find("no passphrase is set"), std::string::npos) << error;
}

TEST_F(Signing, RefusalsNameTheProblem) {
    std::string error;
    EXPECT_FALSE(latchkey::crypto::sign_pem("ES256", rsa_, nullptr, kData, error));
    EXPECT_NE(error.find("ES256 needs an EC key"), std::string::npos) << error;
    EXPECT_FALSE(latchkey::crypto::sign_pem("RS256", ec_, nullptr, kData, error));
    EXPECT_NE(error.find("RS256 needs an RSA key"), std::string::npos) << error;
    EXPECT_FALSE(latchkey::crypto::sign_pem("ES384", ec_, nullptr, kData, error));
    EXPECT_NE(error.find("needs P-384"), std::string::npos) << error;
    EXPECT_FALSE(latchkey::crypto::sign_pem("HS256", rsa_, nullptr, kData, error));
    EXPECT_NE(error.find("unsupported signing algorithm 'HS256'"), std::string::npos) << error;
    EXPECT_FALSE(
        latchkey::crypto::sign_pem("RS256", dir_.file("missing.pem"), nullptr, kData, error));
    EXPECT_NE(error.find("cannot read private key"), std::string::npos) << error;
    std::string junk = dir_.write("junk.pem", "-----BEGIN PRIVATE KEY-----\nnope\n");
    EXPECT_FALSE(latchkey::crypto::sign_pem("RS256", junk, nullptr, kData, error));
    EXPECT_NE(error.find("is not a PEM private key"), std::string::npos) << error;
}

}  // namespace
