#include "scratch_file.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace latchkey::fuzz {

namespace {
[[noreturn]] void die(const char* what) {
    std::perror(what);
    std::abort();
}
}  // namespace

ScratchFile::ScratchFile(const char* name) {
    fd_ = memfd_create(name, MFD_CLOEXEC);
    if (fd_ < 0) die("memfd_create");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
}

ScratchFile::~ScratchFile() { close(fd_); }

const std::string& ScratchFile::write(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0) die("ftruncate");
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
        if (n <= 0) die("pwrite");
        done += static_cast<size_t>(n);
    }
    return path_;
}

}  // namespace latchkey::fuzz
