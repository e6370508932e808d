// The agent's audit trail: one line per credential request (served,
// refused, failed or malformed), naming the site, the caller as the kernel
// named it and the decision. Never a token or any other secret.
#pragma once

#include <mutex>
#include <string>

#include "peer.hpp"

namespace latchkey::agent {

class AuditLog {
 public:
    // `path` "" writes to standard error (the journal, under systemd);
    // otherwise the file is appended to (created 0600).
    explicit AuditLog(const std::string& path);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // `decision`: served, refused, failed, invalid, invalidated.
    void record(const std::string& site, const Peer& peer, const std::string& endpoint,
                const std::string& decision, const std::string& reason);

 private:
    int fd_ = 2;
    std::mutex mutex_;
};

}  // namespace latchkey::agent
