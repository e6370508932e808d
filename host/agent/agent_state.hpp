// What every request of a running agent shares: the policy now served
// (swapped whole on reload), the audit log, the per-site worker threads.
#pragma once

#include <sys/types.h>

#include <latchkey/host.hpp>
#include <memory>
#include <mutex>
#include <string>

#include "audit_log.hpp"
#include "served_policy.hpp"
#include "site_workers.hpp"

namespace latchkey::agent {

class CloudEndpoints;

class AgentState {
 public:
    // Opens the policy; throws latchkey::Error when it is unusable.
    AgentState(HostOptions options, AuditLog& audit, size_t site_threads, size_t site_queue);

    std::shared_ptr<ServedPolicy> current() const;
    // Opens the policy again and serves it from now on. Credentials are
    // kept in the store under a key derived from each site's identity
    // (issuer, client, user, scopes), so a site whose identity did not
    // change finds its credential again and one whose identity changed does
    // not. A policy that no longer loads leaves the current one served;
    // the returned line says which happened.
    std::string reload();

    AuditLog& audit() { return audit_; }
    SiteWorkers& workers() { return workers_; }
    uid_t uid() const { return uid_; }
    int64_t started_at_ms() const { return started_at_ms_; }
    // The loopback cloud-SDK endpoints (none until run_agent sets them).
    CloudEndpoints* cloud() const { return cloud_; }
    void set_cloud(CloudEndpoints* cloud) { cloud_ = cloud; }

 private:
    HostOptions options_;
    AuditLog& audit_;
    SiteWorkers workers_;
    uid_t uid_;
    int64_t started_at_ms_;
    mutable std::mutex mutex_;
    std::shared_ptr<ServedPolicy> current_;
    CloudEndpoints* cloud_ = nullptr;
};

}  // namespace latchkey::agent
