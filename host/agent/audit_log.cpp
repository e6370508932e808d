#include "audit_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <latchkey/admin.hpp>
#include <latchkey/error.hpp>

namespace latchkey::agent {

namespace {

std::string now_iso() {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
    return buf;
}

// A value as one token of the line: control characters escaped, quoted
// when it holds a space or a quote.
std::string field(const std::string& value) {
    std::string v = admin::printable(value);
    if (v.find_first_of(" \"") == std::string::npos && !v.empty()) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

}  // namespace

AuditLog::AuditLog(const std::string& path) {
    if (path.empty()) return;
    fd_ = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd_ < 0)
        throw Error(ErrorKind::config,
                    "audit file " + path + ": " + std::strerror(errno) + "; pass --audit-file");
}

AuditLog::~AuditLog() {
    if (fd_ > 2) close(fd_);
}

void AuditLog::record(const std::string& site, const Peer& peer, const std::string& endpoint,
                      const std::string& decision, const std::string& reason) {
    std::string line = now_iso() + " latchkey-audit site=" + field(site) + " decision=" + decision +
                       " endpoint=" + field(endpoint);
    if (peer.known)
        line += " uid=" + std::to_string(peer.uid) + " gid=" + std::to_string(peer.gid) +
                " pid=" + std::to_string(peer.pid) + " exe=" + field(peer.exe);
    else
        line += " peer=tcp-loopback";
    if (!reason.empty()) line += " reason=" + field(admin::without_url_passwords(reason));
    line += "\n";
    // One write per line (O_APPEND): lines of concurrent requests never mix.
    std::lock_guard lock(mutex_);
    ssize_t ignored = write(fd_, line.data(), line.size());
    (void)ignored;
}

}  // namespace latchkey::agent
