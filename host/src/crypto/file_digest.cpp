// SHA-256 of a file descriptor's contents with OpenSSL's EVP interface, in
// the crypto module (util/crypto_module.hpp): plugin pinning hashes the file
// it has open, the one it then loads, not a path that could change between.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>

#include "crypto/crypto_module.hpp"

namespace latchkey::crypto {

std::optional<std::string> sha256_fd_with_openssl(int fd, std::string& error) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
        error = "cannot start a SHA-256 digest";
        return std::nullopt;
    }
    unsigned char buf[1 << 16];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = std::string("cannot read it: ") + std::strerror(errno);
            return std::nullopt;
        }
        if (n == 0) break;
        EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(n));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    size_t hex_len = 0;
    if (OPENSSL_buf2hexstr_ex(hex, sizeof hex, &hex_len, md, len, '\0') != 1) {
        error = "cannot print the digest";
        return std::nullopt;
    }
    std::string out(hex);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace latchkey::util
