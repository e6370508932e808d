#include "agent_state.hpp"

#include <unistd.h>

#include <latchkey/admin.hpp>

namespace latchkey::agent {

AgentState::AgentState(HostOptions options, AuditLog& audit, size_t site_threads, size_t site_queue)
    : options_(std::move(options)),
      audit_(audit),
      workers_(site_threads, site_queue),
      uid_(geteuid()),
      started_at_ms_(admin::now_ms()),
      current_(ServedPolicy::open(options_)) {}

std::shared_ptr<ServedPolicy> AgentState::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

std::string AgentState::reload() {
    std::shared_ptr<ServedPolicy> next;
    try {
        next = ServedPolicy::open(options_);
    } catch (const Error& e) {
        return "the policy was not reloaded, the previous one is still served: " +
               std::string(e.what());
    }
    std::lock_guard lock(mutex_);
    current_ = std::move(next);
    return "reloaded " + current_->path() + " (" + std::to_string(current_->sites().size()) +
           " sites)";
}

}  // namespace latchkey::agent
