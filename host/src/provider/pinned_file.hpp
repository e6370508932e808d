// Plugin pinning (a site's `provider_sha256`): the plugin file is opened
// once, its SHA-256 computed from that open descriptor (OpenSSL EVP, in the
// crypto module), and the library is then loaded through the same
// descriptor (/proc/self/fd/N), so the bytes that were hashed are the bytes
// that run, even if the path is replaced in between.
#pragma once

#include <string>

namespace latchkey::provider {

class PinnedFile {
 public:
    // Opens `real` and refuses it (a plugin error naming `shown` and both
    // digests) unless its SHA-256 is `expected` (hex, either case).
    PinnedFile(const std::string& real, const std::string& shown, const std::string& expected);
    ~PinnedFile();
    PinnedFile(const PinnedFile&) = delete;
    PinnedFile& operator=(const PinnedFile&) = delete;

    // A path naming the open file, for the loader.
    const std::string& load_path() const { return load_path_; }

 private:
    int fd_ = -1;
    std::string load_path_;
};

}  // namespace latchkey::provider
