// AES-256-GCM sealing with OpenSSL's EVP interface, in the crypto module.
// The envelope and its guarantees are described in util/sealing.hpp.
#include "crypto/sealing.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace latchkey::crypto {
namespace {

constexpr size_t kKeySize = 32;
constexpr size_t kNonceSize = 12;  // 96 bits: GCM's native nonce size
constexpr size_t kTagSize = 16;
constexpr std::string_view kVersion = "1";

using Key = std::array<unsigned char, kKeySize>;
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

void wipe(std::string& s) {
    if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

// A string that wipes itself: key texts, decoded keys, plaintexts.
struct Wiped {
    std::string text;
    ~Wiped() { wipe(text); }
};

std::string base64(const unsigned char* data, size_t len) {
    std::string out(4 * ((len + 2) / 3) + 1, '\0');
    int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
    out.resize(n < 0 ? 0 : static_cast<size_t>(n));
    return out;
}

// Standard base64 with its padding (what `openssl rand -base64` prints).
// EVP_DecodeBlock counts padding as output bytes: those are taken off again.
bool unbase64(std::string_view text, std::string& out) {
    if (text.empty() || text.size() % 4 != 0) return false;
    out.assign(3 * (text.size() / 4), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(text.data()),
                            static_cast<int>(text.size()));
    if (n < 0) {
        wipe(out);
        out.clear();
        return false;
    }
    size_t pad = text.size() - text.find_last_not_of('=') - 1;
    if (pad > 2) {
        wipe(out);
        out.clear();
        return false;
    }
    out.resize(static_cast<size_t>(n) - pad);
    return true;
}

bool all_hex(std::string_view s) {
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

// 32 bytes from 64 hex digits or 44 base64 characters; surrounding blanks
// (a trailing line break in a secret file) are not part of the key.
bool decode_key(std::string_view text, Key& key) {
    size_t b = text.find_first_not_of(" \t\r\n");
    size_t e = text.find_last_not_of(" \t\r\n");
    if (b == std::string_view::npos) return false;
    text = text.substr(b, e - b + 1);
    Wiped raw;
    if (text.size() == 2 * kKeySize && all_hex(text)) {
        long len = 0;
        std::string digits(text);
        unsigned char* buf = OPENSSL_hexstr2buf(digits.c_str(), &len);
        wipe(digits);
        if (!buf) return false;
        raw.text.assign(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
        OPENSSL_clear_free(buf, static_cast<size_t>(len));
    } else if (!unbase64(text, raw.text)) {
        return false;
    }
    if (raw.text.size() != kKeySize) return false;
    std::copy(raw.text.begin(), raw.text.end(), key.begin());
    return true;
}

// 8 hex digits of SHA-256("latchkey storage key id\0" || key): names the key
// in envelopes and messages, and reveals nothing usable about it.
std::string key_id_of(const Key& key) {
    static constexpr char kDomain[] = "latchkey storage key id";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), kDomain, sizeof kDomain) != 1 ||
        EVP_DigestUpdate(ctx.get(), key.data(), key.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), md, &md_len) != 1)
        return "????????";
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id;
    for (int i = 0; i < 4; ++i) {
        id += kHex[md[i] >> 4];
        id += kHex[md[i] & 15];
    }
    return id;
}

std::string header_of(std::string_view key_id) {
    return std::string(kSealedPrefix) + std::string(kVersion) + ":" + std::string(key_id) + ":";
}

// The additional authenticated data: the envelope's header, then the
// storage key, so neither can be changed without the tag failing.
std::string aad_of(std::string_view header, std::string_view context) {
    return std::string(header) + std::string(context);
}

class OpenSslSealer final : public Sealer {
 public:
    explicit OpenSslSealer(std::vector<Key> keys) : keys_(std::move(keys)) {
        for (auto& k : keys_) ids_.push_back(key_id_of(k));
    }
    ~OpenSslSealer() override {
        for (auto& k : keys_) OPENSSL_cleanse(k.data(), k.size());
    }

    std::vector<std::string> key_ids() const noexcept override {
        try {
            return ids_;
        } catch (...) {
            return {};
        }
    }

    std::string seal(std::string_view context, std::string_view plaintext,
                     std::string& error) const noexcept override {
        try {
            return seal_or_throw(context, plaintext, error);
        } catch (...) {
            error = "out of memory while sealing";
            return {};
        }
    }

    Opened open(std::string_view context, std::string_view envelope) const noexcept override {
        Opened out;
        try {
            open_or_throw(context, envelope, out);
        } catch (...) {
            out.status = Opened::malformed;
            wipe(out.plaintext);
            out.plaintext.clear();
        }
        return out;
    }

 private:
    std::string seal_or_throw(std::string_view context, std::string_view plaintext,
                              std::string& error) const {
        std::string header = header_of(ids_[0]);
        std::string aad = aad_of(header, context);
        std::string blob(kNonceSize + plaintext.size() + kTagSize, '\0');
        auto* nonce = reinterpret_cast<unsigned char*>(blob.data());
        auto* body = nonce + kNonceSize;
        // A fresh random nonce per value: with 2^32 values under one key
        // the chance of a repeat stays far below NIST's 2^-32 bound.
        CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
        int len = 0, fin = 0;
        if (!ctx || RAND_bytes(nonce, kNonceSize) != 1 ||
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, keys_[0].data(), nonce) !=
                1 ||
            EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                              reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) != 1 ||
            EVP_EncryptUpdate(ctx.get(), body, &len,
                              reinterpret_cast<const unsigned char*>(plaintext.data()),
                              static_cast<int>(plaintext.size())) != 1 ||
            EVP_EncryptFinal_ex(ctx.get(), body + len, &fin) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                                body + plaintext.size()) != 1) {
            ERR_clear_error();
            error = "OpenSSL could not seal the value (AES-256-GCM)";
            return {};
        }
        return header + base64(nonce, blob.size());
    }

    void open_or_throw(std::string_view context, std::string_view envelope, Opened& out) const {
        // latchkey-sealed:VERSION:KEYID:BASE64
        if (envelope.substr(0, kSealedPrefix.size()) != kSealedPrefix) return;
        std::string_view rest = envelope.substr(kSealedPrefix.size());
        size_t v_end = rest.find(':');
        if (v_end == std::string_view::npos) return;
        if (rest.substr(0, v_end) != kVersion) {
            out.status = Opened::newer_format;
            return;
        }
        rest.remove_prefix(v_end + 1);
        size_t id_end = rest.find(':');
        if (id_end != 8 || !all_hex(rest.substr(0, 8))) return;
        out.key_id = std::string(rest.substr(0, 8));
        std::string_view encoded = rest.substr(9);

        const Key* key = nullptr;
        for (size_t i = 0; i < keys_.size() && !key; ++i)
            if (ids_[i] == out.key_id) key = &keys_[i];
        if (!key) {
            out.status = Opened::unknown_key;
            return;
        }
        std::string blob;
        if (!unbase64(encoded, blob) || blob.size() < kNonceSize + kTagSize) return;
        const auto* nonce = reinterpret_cast<const unsigned char*>(blob.data());
        const auto* body = nonce + kNonceSize;
        size_t body_len = blob.size() - kNonceSize - kTagSize;
        std::string aad = aad_of(header_of(out.key_id), context);
        Wiped plain;
        plain.text.assign(body_len, '\0');
        auto* p = reinterpret_cast<unsigned char*>(plain.text.data());
        std::array<unsigned char, kTagSize> tag;
        std::copy(body + body_len, body + body_len + kTagSize, tag.begin());
        CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
        int len = 0, fin = 0;
        bool ok =
            ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key->data(), nonce) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                              reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), p, &len, body, static_cast<int>(body_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize),
                                tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), p + len, &fin) == 1;
        ERR_clear_error();
        if (!ok) {
            out.status = Opened::not_authentic;
            return;
        }
        out.plaintext = plain.text;
        out.status = Opened::ok;
    }

    std::vector<Key> keys_;
    std::vector<std::string> ids_;
};

}  // namespace

std::unique_ptr<Sealer> make_sealer_with_openssl(std::vector<std::string>& key_texts,
                                                 size_t& failed, std::string& error) {
    std::vector<Key> keys(key_texts.size());
    std::unique_ptr<Sealer> sealer;
    size_t i = 0;
    for (; i < key_texts.size(); ++i)
        if (!decode_key(key_texts[i], keys[i])) break;
    for (auto& t : key_texts) wipe(t);
    if (key_texts.empty()) {
        error = "no key given";
    } else if (i < key_texts.size()) {
        failed = i;
        error =
            "is not a 256-bit key: give 32 random bytes as base64 (44 characters, "
            "`openssl rand -base64 32`) or as 64 hex digits (`openssl rand -hex 32`)";
    } else {
        sealer = std::make_unique<OpenSslSealer>(keys);
    }
    for (auto& k : keys) OPENSSL_cleanse(k.data(), k.size());
    return sealer;
}

}  // namespace latchkey::util
