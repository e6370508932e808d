#include "util/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/secure_memory.hpp"

namespace latchkey::util {

namespace {

std::string kind_of(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISDIR(mode)) return "a directory";
    return "not a regular file";
}

std::string size_text(size_t bytes) {
    if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
        return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

// An open descriptor for a regular file within the cap, or -1 with `out`
// saying why; `size` is what fstat reported.
int open_checked(const std::string& path, const RegularFileOptions& o, RegularFileRead& out,
                 size_t& size) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
    // writer; for a regular file the flag changes nothing.
    int flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | (o.follow_symlinks ? 0 : O_NOFOLLOW);
    int fd = open(path.c_str(), flags);
    if (fd < 0) {
        int e = errno;
        out.missing = e == ENOENT;
        out.error = e == ELOOP && !o.follow_symlinks
                        ? path + " is a symbolic link; refused"
                        : "cannot read " + path + ": " + std::strerror(e);
        return -1;
    }
    struct stat st {};
    if (fstat(fd, &st) != 0) {
        out.error = "cannot read " + path + ": " + std::strerror(errno);
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        std::string kind = kind_of(st.st_mode);
        out.error = path + " is " + kind + (kind[0] == 'a' ? ", not a regular file" : "") +
                    "; refused (only regular files are read)";
        close(fd);
        return -1;
    }
    if (static_cast<unsigned long long>(st.st_size) > o.max_bytes) {
        out.error = path + " is larger than " + size_text(o.max_bytes) + " (" +
                    std::to_string(st.st_size) + " bytes); refused";
        close(fd);
        return -1;
    }
    size = static_cast<size_t>(st.st_size);
    out.mode = st.st_mode;
    return fd;
}

}  // namespace

RegularFileRead read_regular_file(const std::string& path, const RegularFileOptions& options) {
    RegularFileRead out;
    size_t size = 0;
    int fd = open_checked(path, options, out, size);
    if (fd < 0) return out;
    // Room for one byte more than fstat said, to see the end of the file; a
    // file that grew (or reports no size, as /proc does) gets more room, up
    // to one byte past the cap, so a file that grew too far is refused too.
    std::string text(size + 1, '\0');
    size_t got = 0;
    while (true) {
        if (got == text.size()) {
            if (text.size() > options.max_bytes) break;
            std::string bigger(std::min(text.size() * 2, options.max_bytes + 1), '\0');
            bigger.replace(0, got, text);
            wipe(text);
            text.swap(bigger);
        }
        ssize_t n = read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.error = "cannot read " + path + ": " + std::strerror(errno);
            close(fd);
            wipe(text);
            return out;
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    close(fd);
    if (got > options.max_bytes) {
        out.error = path + " is larger than " + size_text(options.max_bytes) + "; refused";
        wipe(text);
        return out;
    }
    text.resize(got);
    out.text = std::move(text);
    return out;
}

std::optional<std::string> regular_file_problem(const std::string& path,
                                                const RegularFileOptions& options) {
    RegularFileRead out;
    size_t size = 0;
    int fd = open_checked(path, options, out, size);
    if (fd < 0) return out.error;
    close(fd);
    return std::nullopt;
}

}  // namespace latchkey::util
