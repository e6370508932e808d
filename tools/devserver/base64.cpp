#include "base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

namespace devserver {

std::optional<std::string> decode_base64(std::string_view in) {
    if (in.empty() || in.size() % 4 != 0) {
        return std::nullopt;
    }
    std::vector<unsigned char> out(in.size() / 4 * 3);
    const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(in.data()),
                                  static_cast<int>(in.size()));
    if (n < 0) {
        return std::nullopt;
    }
    // EVP_DecodeBlock pads its output with a zero byte for each '=' in the input.
    std::size_t len = static_cast<std::size_t>(n);
    for (auto it = in.rbegin(); it != in.rend() && *it == '=' && len > 0; ++it) {
        --len;
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::optional<std::string> decode_base64url(std::string_view in) {
    if (in.empty() || in.size() % 4 == 1 || in.find_first_of("+/=") != std::string_view::npos) {
        return std::nullopt;
    }
    std::string standard(in);
    std::replace(standard.begin(), standard.end(), '-', '+');
    std::replace(standard.begin(), standard.end(), '_', '/');
    standard.append((4 - standard.size() % 4) % 4, '=');
    return decode_base64(standard);
}

std::string encode_base64url(std::string_view bytes) {
    std::vector<unsigned char> out((bytes.size() + 2) / 3 * 4 + 1);
    const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()));
    std::string text(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
    text.erase(text.find_last_not_of('=') + 1);
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
}

}  // namespace devserver
