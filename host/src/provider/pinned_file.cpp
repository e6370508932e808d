#include "provider/pinned_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "latchkey/error.hpp"
#include "provider/checked_library.hpp"
#include "crypto/crypto_module.hpp"
#include "util/strings.hpp"

namespace latchkey::provider {

PinnedFile::PinnedFile(const std::string& real, const std::string& shown,
                       const std::string& expected) {
    fd_ = ::open(real.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd_ < 0)
        refuse(shown, std::string("cannot open it to check its SHA-256: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd_);
        refuse(shown, "not a regular file");
    }
    std::string error;
    std::optional<std::string> actual;
    try {
        actual = module::get<crypto::CryptoModule>("crypto").sha256_fd(fd_, error);
    } catch (const Error& e) {
        error = e.what();
    }
    if (!actual) {
        ::close(fd_);
        refuse(shown, "cannot compute its SHA-256: " + error);
    }
    if (*actual != util::to_lower(expected)) {
        ::close(fd_);
        refuse(shown, "its SHA-256 is " + *actual + ", but provider_sha256 pins " +
                          util::to_lower(expected) +
                          "; the file changed since it was pinned (update provider_sha256 only "
                          "if you trust the new file)");
    }
    load_path_ = "/proc/self/fd/" + std::to_string(fd_);
}

PinnedFile::~PinnedFile() {
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace latchkey::provider
