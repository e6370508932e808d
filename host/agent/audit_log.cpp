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

// "2026-12-07T10:11:12.345Z". The part up to the second is formatted once
// per second per thread: a busy agent writes thousands of lines a second.
void append_now_iso(std::string& out) {
    using namespace std::chrono;
    auto now = system_clock::now();
    std::time_t t = system_clock::to_time_t(now);
    auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    thread_local std::time_t second = -1;
    thread_local char prefix[80];  // room for any int the format could print
    if (t != second) {
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::snprintf(prefix, sizeof prefix, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        second = t;
    }
    out += prefix;
    out += static_cast<char>('0' + ms / 100);
    out += static_cast<char>('0' + ms / 10 % 10);
    out += static_cast<char>('0' + ms % 10);
    out += 'Z';
}

// A value as one token of the line: control characters escaped, quoted
// when it holds a space or a quote. Plain values (site names, endpoints,
// most paths) are copied as they are.
void append_field(std::string& out, const std::string& value) {
    bool plain = !value.empty();
    for (char c : value)
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '\\' || c == 0x7f ||
            static_cast<unsigned char>(c) >= 0x80) {
            plain = false;
            break;
        }
    if (plain) {
        out += value;
        return;
    }
    std::string v = admin::printable(value);
    if (v.find_first_of(" \"") == std::string::npos && !v.empty()) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    out += '"';
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
    // Built in this thread's own buffer: no allocation once it has grown.
    thread_local std::string line;
    line.clear();
    append_now_iso(line);
    line += " latchkey-audit site=";
    append_field(line, site);
    line += " decision=";
    line += decision;
    line += " endpoint=";
    append_field(line, endpoint);
    if (peer.known) {
        line += " uid=";
        line += std::to_string(peer.uid);
        line += " gid=";
        line += std::to_string(peer.gid);
        line += " pid=";
        line += std::to_string(peer.pid);
        line += " exe=";
        append_field(line, peer.exe);
    } else {
        line += " peer=tcp-loopback";
    }
    if (!reason.empty()) {
        line += " reason=";
        append_field(line, admin::without_url_passwords(reason));
    }
    line += "\n";
    // One write per line (O_APPEND): lines of concurrent requests never mix.
    std::lock_guard lock(mutex_);
    ssize_t ignored = write(fd_, line.data(), line.size());
    (void)ignored;
}

}  // namespace latchkey::agent
