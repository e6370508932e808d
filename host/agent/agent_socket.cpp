#include "agent_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <latchkey/error.hpp>

namespace latchkey::agent {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw Error(ErrorKind::config, "agent socket " + path + ": " + why);
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        fail(path, "the path is longer than a Unix socket address allows (" +
                       std::to_string(sizeof addr.sun_path - 1) + " bytes)");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// A socket other users may connect to needs a directory they may pass
// through (0711: not list); otherwise the directory is the user's alone.
void prepare_directory(const std::string& path, unsigned socket_mode) {
    std::string dir = std::filesystem::path(path).parent_path().string();
    if (dir.empty()) return;
    if (mkdir(dir.c_str(), socket_mode & 077 ? 0711 : 0700) != 0 && errno != EEXIST)
        fail(path, "cannot create " + dir + ": " + std::strerror(errno));
    struct stat st {};
    if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        fail(path, dir + " is not a directory");
    if (st.st_uid != geteuid())
        fail(path, dir + " belongs to uid " + std::to_string(st.st_uid) + ", not this user");
    if (st.st_mode & 022) {
        char octal[8];
        std::snprintf(octal, sizeof octal, "%03o", st.st_mode & 0777);
        fail(path,
             dir + " is writable by group or others (mode " + octal + "); run chmod 700 " + dir);
    }
}

// A socket file nobody answers on is what a killed agent leaves behind.
void remove_stale(const std::string& path, const sockaddr_un& addr) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) return;
    if (!S_ISSOCK(st.st_mode)) fail(path, "a file that is not a socket is in the way");
    int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool answered = connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    close(probe);
    if (answered) fail(path, "another agent is already listening there");
    unlink(path.c_str());
}

}  // namespace

int bind_agent_socket(const std::string& path, unsigned mode) {
    sockaddr_un addr = address_of(path);
    prepare_directory(path, mode);
    remove_stale(path, addr);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) fail(path, std::strerror(errno));
    // Created owner-only, widened afterwards only when asked: no moment at
    // which another user could connect.
    mode_t old = umask(0177);
    int rc = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    int bind_errno = errno;
    umask(old);
    if (rc != 0) {
        close(fd);
        fail(path, std::string("bind: ") + std::strerror(bind_errno));
    }
    if (chmod(path.c_str(), mode) != 0 || listen(fd, 512) != 0) {
        int e = errno;
        close(fd);
        fail(path, std::strerror(e));
    }
    return fd;
}

int socket_from_systemd() {
    const char* pid = std::getenv("LISTEN_PID");
    const char* fds = std::getenv("LISTEN_FDS");
    bool ours = pid && fds && std::strtol(pid, nullptr, 10) == getpid() &&
                std::strtol(fds, nullptr, 10) == 1;
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return ours ? 3 : -1;
}

}  // namespace latchkey::agent
