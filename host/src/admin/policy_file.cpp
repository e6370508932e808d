#include "admin/policy_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "latchkey/error.hpp"
#include "util/regular_file.hpp"

namespace latchkey::admin {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw Error(ErrorKind::config, what + ": " + std::strerror(errno));
}

}  // namespace

PolicyFile::PolicyFile(const std::string& path, bool create) {
    std::error_code ec;
    target_ = fs::is_symlink(path, ec) ? fs::weakly_canonical(path, ec).string() : path;
    if (ec) target_ = path;
    fs::path parent = fs::path(target_).parent_path();
    dir_ = parent.empty() ? "." : parent.string();
    if (!fs::exists(dir_, ec)) {
        if (!create) return;  // no directory, no file
        fs::create_directories(dir_, ec);
        if (ec)
            throw Error(ErrorKind::config,
                        "cannot create " + dir_ + " for the policy: " + ec.message());
        // The policy may hold client secrets: its directory is private.
        chmod(dir_.c_str(), 0700);
    }
    dir_fd_ = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd_ < 0) fail("cannot open " + dir_);
    if (flock(dir_fd_, LOCK_EX) != 0) fail("cannot lock " + dir_);

    struct stat st {};
    if (stat(target_.c_str(), &st) != 0) {
        if (errno != ENOENT) fail("cannot read " + path);
        return;
    }
    exists_ = true;
    mode_ = st.st_mode & 07777;
    auto file = util::read_regular_file(target_);
    if (!file.text) throw Error(ErrorKind::config, "policy: " + file.error);
    text_ = std::move(*file.text);
}

PolicyFile::~PolicyFile() {
    if (!staged_.empty()) unlink(staged_.c_str());
    if (dir_fd_ >= 0) close(dir_fd_);  // releases the lock
}

const std::string& PolicyFile::stage(const std::string& text) {
    if (!staged_.empty()) unlink(staged_.c_str());
    std::string name = fs::path(target_).filename().string();
    std::string tmpl = dir_ + "/." + name + ".edit.XXXXXX";
    int fd = mkstemp(tmpl.data());  // created 0600
    if (fd < 0) fail("cannot write to " + dir_);
    staged_ = tmpl;
    size_t off = 0;
    while (off < text.size()) {
        ssize_t w = write(fd, text.data() + off, text.size() - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            int e = errno;
            close(fd);
            errno = e;
            fail("cannot write " + staged_);
        }
        off += static_cast<size_t>(w);
    }
    if (fchmod(fd, mode_) != 0 || fsync(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        fail("cannot write " + staged_);
    }
    if (close(fd) != 0) fail("cannot write " + staged_);
    return staged_;
}

void PolicyFile::commit() {
    if (rename(staged_.c_str(), target_.c_str()) != 0) fail("cannot replace " + target_);
    staged_.clear();
    // The rename is durable only once the directory itself is synced.
    fsync(dir_fd_);
}

}  // namespace latchkey::admin
