#include "util/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <vector>

namespace latchkey::util {

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string base64_encode(std::string_view data, bool url_safe) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size()));
    out.resize(static_cast<size_t>(n));
    if (url_safe) {
        // RFC 4648 §5: same code, two other symbols, no padding.
        for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
        while (!out.empty() && out.back() == '=') out.pop_back();
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string in(text);
    for (auto& c : in) c = c == '-' ? '+' : c == '_' ? '/' : c;
    size_t pad = 0;
    while (in.size() % 4) in += '=', ++pad;
    if (!in.empty() && in.back() == '=') {
        pad = 0;
        for (size_t i = in.size(); i > 0 && in[i - 1] == '='; --i) ++pad;
    }
    std::vector<unsigned char> out(in.size() / 4 * 3 + 1);
    int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
    if (n < 0 || static_cast<size_t>(n) < pad) return std::nullopt;
    // EVP_DecodeBlock counts padding as zero bytes; drop them.
    return std::string(reinterpret_cast<char*>(out.data()), static_cast<size_t>(n) - pad);
}

bool random_bytes(unsigned char* out, size_t len) {
    return RAND_bytes(out, static_cast<int>(len)) == 1;
}

}  // namespace latchkey::util
