#include "util/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "latchkey/error.hpp"
#include "util/regular_file.hpp"
#include "util/secure_memory.hpp"

namespace latchkey::util {

namespace {

[[noreturn]] void fail(const std::string& what, int err) {
    throw Error(ErrorKind::storage, what + ": " + std::strerror(err));
}

// Already the content, as a private regular file of ours: nothing to do.
bool already_holds(const std::string& path, std::string_view content) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 07777) != 0600 ||
        st.st_uid != geteuid())
        return false;
    auto read = read_regular_file(path, {content.size() + 1, false});
    bool same = read.text && *read.text == content;
    if (read.text) wipe(*read.text);
    return same;
}

}  // namespace

bool replace_private_file(const std::string& path, std::string_view content) {
    namespace fs = std::filesystem;
    struct stat st {};
    // A directory or a FIFO in the way is a mistake in the policy, not
    // something to replace.
    if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
        throw Error(ErrorKind::storage, path + " exists and is not a regular file");
    if (already_holds(path, content)) return false;

    fs::path target(path);
    std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
    std::string tmp = dir + "/." + target.filename().string() + ".XXXXXX";
    int fd = mkstemp(tmp.data());  // O_EXCL, mode 0600
    if (fd < 0) fail("cannot write a file in " + dir, errno);
    auto abandon = [&](int err, const std::string& what) {
        close(fd);
        unlink(tmp.c_str());
        fail(what, err);
    };
    if (fchmod(fd, 0600) != 0) abandon(errno, "cannot write " + tmp);
    for (size_t off = 0; off < content.size();) {
        ssize_t w = write(fd, content.data() + off, content.size() - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) abandon(errno, "cannot write " + tmp);
        off += static_cast<size_t>(w);
    }
    if (fsync(fd) != 0) abandon(errno, "cannot write " + tmp);
    close(fd);
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        unlink(tmp.c_str());
        fail("cannot replace " + path, err);
    }
    // The rename is durable only once the directory itself is synced.
    int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd >= 0) {
        fsync(dir_fd);
        close(dir_fd);
    }
    return true;
}

}  // namespace latchkey::util
