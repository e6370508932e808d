#include "storage/file_storage.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "latchkey/error.hpp"
#include "storage/record_json.hpp"
#include "util/crypto.hpp"
#include "util/permissions.hpp"

namespace latchkey::storage {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& msg) { throw Error(ErrorKind::storage, msg); }

std::string errno_text() { return std::strerror(errno); }

class FileLock : public Lock {
 public:
    explicit FileLock(int fd) : fd_(fd) {}
    ~FileLock() override {
        flock(fd_, LOCK_UN);
        close(fd_);
    }

 private:
    int fd_;
};

}  // namespace

std::string default_file_store_dir() {
    if (const char* x = std::getenv("XDG_STATE_HOME"); x && *x) return std::string(x) + "/latchkey";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "/tmp") + "/.local/state/latchkey";
}

FileStorage::FileStorage(std::string dir, Warn warn)
    : dir_(std::move(dir)), warn_(std::move(warn)) {}

std::string FileStorage::path_of(const std::string& key, const char* ext) const {
    return dir_ + "/" + key + ext;
}

void FileStorage::ensure_dir() {
    if (dir_checked_) return;
    std::error_code ec;
    if (!fs::exists(dir_, ec)) {
        fs::create_directories(fs::path(dir_).parent_path(), ec);
        if (mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST)
            fail("cannot create the token store " + dir_ + ": " + errno_text());
    }
    struct stat st {};
    if (stat(dir_.c_str(), &st) != 0)
        fail("cannot use the token store " + dir_ + ": " + errno_text());
    if (!S_ISDIR(st.st_mode)) fail("the token store " + dir_ + " is not a directory");
    if (st.st_mode & 077)
        fail("the token store " + dir_ + " has mode " + util::octal_mode(st.st_mode) +
             ", open to other users; run `chmod 700 " + dir_ +
             "` (latchkey refuses to use it until then)");
    if (st.st_uid != geteuid()) fail("the token store " + dir_ + " belongs to another user");
    dir_checked_ = true;
}

std::optional<detail::CredentialData> FileStorage::load(const std::string& key) {
    ensure_dir();
    std::string path = path_of(key, ".json");
    int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return std::nullopt;
        fail("cannot read stored credential " + path + ": " + errno_text());
    }
    struct stat st {};
    fstat(fd, &st);
    if (st.st_mode & 077) {
        close(fd);
        fail("stored credential " + path + " has mode " + util::octal_mode(st.st_mode) +
             ", readable by other users; run `chmod 600 " + path +
             "` (or `latchkey logout` to drop it)");
    }
    std::string text(static_cast<size_t>(st.st_size), '\0');
    ssize_t n = read(fd, text.data(), text.size());
    close(fd);
    if (n < 0) fail("cannot read stored credential " + path + ": " + errno_text());
    text.resize(static_cast<size_t>(n));
    std::string error;
    auto c = from_json(text, error);
    if (!c && warn_)
        warn_("ignoring stored credential " + path + ": " + error + "; a new one will be fetched");
    return c;
}

void FileStorage::save(const std::string& key, const detail::CredentialData& c) {
    ensure_dir();
    std::string path = path_of(key, ".json");
    unsigned char rnd[6];
    util::random_bytes(rnd, sizeof rnd);
    std::string tmp =
        dir_ + "/." + key + ".tmp." + std::to_string(getpid()) + "." +
        util::sha256_hex(std::string(reinterpret_cast<char*>(rnd), sizeof rnd)).substr(0, 8);
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) fail("cannot write to the token store " + dir_ + ": " + errno_text());
    std::string text = to_json(c);
    size_t off = 0;
    while (off < text.size()) {
        ssize_t w = write(fd, text.data() + off, text.size() - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            unlink(tmp.c_str());
            fail("cannot write " + tmp + ": " + std::strerror(e));
        }
        off += static_cast<size_t>(w);
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(tmp.c_str());
        fail("cannot sync " + tmp + ": " + errno_text());
    }
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        unlink(tmp.c_str());
        fail("cannot replace " + path + ": " + errno_text());
    }
    // The rename is durable only once the directory itself is synced.
    int dfd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

void FileStorage::erase(const std::string& key) {
    ensure_dir();
    std::string path = path_of(key, ".json");
    if (unlink(path.c_str()) != 0 && errno != ENOENT)
        fail("cannot remove " + path + ": " + errno_text());
}

std::unique_ptr<Lock> FileStorage::lock(const std::string& key) {
    ensure_dir();
    std::string path = path_of(key, ".lock");
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) fail("cannot open lock file " + path + ": " + errno_text());
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        int e = errno;
        close(fd);
        fail("cannot lock " + path + ": " + std::strerror(e));
    }
    return std::make_unique<FileLock>(fd);
}

std::string FileStorage::check() {
    ensure_dir();
    if (access(dir_.c_str(), R_OK | W_OK | X_OK) != 0)
        fail("the token store " + dir_ + " is not writable: " + errno_text());
    for (auto& key : keys()) {
        std::string path = path_of(key, ".json");
        struct stat st {};
        if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077))
            fail("stored credential " + path + " has mode " + util::octal_mode(st.st_mode) +
                 "; run `chmod 600 " + path + "`");
    }
    return "file: " + dir_ + " (mode 0700, owned by you)";
}

std::vector<std::string> FileStorage::keys() {
    ensure_dir();
    std::vector<std::string> out;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir_, ec)) {
        auto name = e.path().filename().string();
        if (name.size() > 5 && name[0] != '.' && e.path().extension() == ".json")
            out.push_back(name.substr(0, name.size() - 5));
    }
    return out;
}

}  // namespace latchkey::storage
