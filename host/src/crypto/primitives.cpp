#include "crypto/primitives.hpp"

#include <nettle/base16.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <sys/random.h>

#include <cerrno>

namespace latchkey::crypto {

std::string sha256_hex(std::string_view data) {
    sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data.size(), reinterpret_cast<const uint8_t*>(data.data()));
    uint8_t md[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof md, md);
    std::string out(BASE16_ENCODE_LENGTH(sizeof md), '\0');
    base16_encode_update(out.data(), sizeof md, md);  // lower-case hex
    return out;
}

std::string base64_encode(std::string_view data, bool url_safe) {
    base64_encode_ctx ctx;
    if (url_safe)
        base64url_encode_init(&ctx);
    else
        base64_encode_init(&ctx);
    std::string out(BASE64_ENCODE_LENGTH(data.size()) + BASE64_ENCODE_FINAL_LENGTH, '\0');
    size_t n = base64_encode_update(&ctx, out.data(), data.size(),
                                    reinterpret_cast<const uint8_t*>(data.data()));
    n += base64_encode_final(&ctx, out.data() + n);
    out.resize(n);
    // RFC 4648 §5 (URL-safe) goes without padding.
    if (url_safe)
        while (!out.empty() && out.back() == '=') out.pop_back();
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    // One alphabet for both: the URL-safe symbols become the standard ones,
    // and missing padding is restored.
    std::string in(text);
    for (auto& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (in.size() % 4) in += '=';
    base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    std::string out(BASE64_DECODE_LENGTH(in.size()), '\0');
    size_t n = out.size();
    if (!base64_decode_update(&ctx, &n, reinterpret_cast<uint8_t*>(out.data()), in.size(),
                              in.data()) ||
        !base64_decode_final(&ctx))
        return std::nullopt;
    out.resize(n);
    return out;
}

bool random_bytes(unsigned char* out, size_t len) {
    while (len > 0) {
        ssize_t n = getrandom(out, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        out += n;
        len -= static_cast<size_t>(n);
    }
    return true;
}

}  // namespace latchkey::util
