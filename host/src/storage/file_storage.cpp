#include "storage/file_storage.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "latchkey/error.hpp"
#include "storage/record_json.hpp"
#include "crypto/primitives.hpp"
#include "util/permissions.hpp"
#include "util/regular_file.hpp"
#include "util/secure_memory.hpp"

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

// Writes all of `text` to `fd` and syncs it: 0, or the errno of the failure.
int write_synced(int fd, const std::string& text) {
    size_t off = 0;
    while (off < text.size()) {
        ssize_t w = write(fd, text.data() + off, text.size() - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return errno;
        off += static_cast<size_t>(w);
    }
    return fsync(fd) == 0 ? 0 : errno;
}

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
    sweep_stale_temps();
    dir_checked_ = true;
}

std::optional<detail::CredentialData> FileStorage::load(const std::string& key) {
    ensure_dir();
    std::string path = path_of(key, ".json");
    // A regular file only (a FIFO here would block every command), never
    // through a symbolic link, and of bounded size.
    auto file = util::read_regular_file(path, {.follow_symlinks = false});
    if (file.missing) return std::nullopt;
    if (!file.text)
        fail("cannot read stored credential: " + file.error + "; remove it (`latchkey logout`)");
    if (file.mode & 077) {
        util::wipe(*file.text);
        fail("stored credential " + path + " has mode " + util::octal_mode(file.mode) +
             ", readable by other users; run `chmod 600 " + path +
             "` (or `latchkey logout` to drop it)");
    }
    std::string error;
    auto c = from_json(*file.text, error);
    util::wipe(*file.text);
    if (!c && warn_)
        warn_("ignoring stored credential " + path + ": " + error + "; a new one will be fetched");
    return c;
}

std::string FileStorage::temp_name(const std::string& key) const {
    unsigned char rnd[6];
    crypto::random_bytes(rnd, sizeof rnd);
    return dir_ + "/." + key + kTempMarker + std::to_string(getpid()) + "." +
           crypto::sha256_hex(std::string(reinterpret_cast<char*>(rnd), sizeof rnd)).substr(0, 8);
}

void FileStorage::save(const std::string& key, const detail::CredentialData& c) {
    ensure_dir();
    std::string path = path_of(key, ".json");
    std::string text = to_json(c);
    // The credential is written to a file with no name (O_TMPFILE), which a
    // crash takes with it, and named only once complete and synced: the name
    // lives only until the rename. Without O_TMPFILE (the file system) or
    // /proc (to name the file), a named temporary file holds it from the
    // start. Either way a writer killed before the rename leaves
    // `.KEY.tmp.PID.RAND`, which sweep_stale_temps() removes once the writer
    // is gone.
    std::string tmp;
    int fd = open(dir_.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        if (int e = write_synced(fd, text)) {
            close(fd);
            util::wipe(text);
            fail("cannot write to the token store " + dir_ + ": " + std::strerror(e));
        }
        tmp = temp_name(key);
        std::string self = "/proc/self/fd/" + std::to_string(fd);
        if (linkat(AT_FDCWD, self.c_str(), AT_FDCWD, tmp.c_str(), AT_SYMLINK_FOLLOW) != 0)
            tmp.clear();
        close(fd);
    }
    if (tmp.empty()) {
        tmp = temp_name(key);
        fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        int e = fd < 0 ? errno : write_synced(fd, text);
        if (fd >= 0 && close(fd) != 0 && !e) e = errno;
        if (e) {
            if (fd >= 0) unlink(tmp.c_str());
            util::wipe(text);
            fail("cannot write to the token store " + dir_ + ": " + std::strerror(e));
        }
    }
    util::wipe(text);
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        unlink(tmp.c_str());
        fail("cannot replace " + path + ": " + std::strerror(e));
    }
    // The rename is durable only once the directory itself is synced.
    int dfd = open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
}

void FileStorage::sweep_stale_temps() {
    const std::string marker = kTempMarker;
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir_, ec)) {
        std::string name = e.path().filename().string();
        auto at = name.rfind(marker);
        if (name[0] != '.' || at == std::string::npos) continue;
        // .KEY.tmp.PID.RAND: the writer's process id, then random characters.
        std::string rest = name.substr(at + marker.size());
        auto dot = rest.find('.');
        long pid = 0;
        try {
            pid = std::stol(rest.substr(0, dot));
        } catch (const std::exception&) {
            continue;  // not one of ours
        }
        struct stat st {};
        if (lstat(e.path().c_str(), &st) != 0) continue;
        // A writer holds its name for the moment between link and rename; a
        // file older than a minute outlived its writer even when its process
        // id now belongs to another process.
        bool writer_gone = pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH);
        bool old = std::time(nullptr) - st.st_mtime > 60;
        if (writer_gone || old) unlink(e.path().c_str());
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
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0) fail("cannot open lock file " + path + ": " + errno_text());
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        fail("lock file " + path + " is not a regular file; remove it");
    }
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
