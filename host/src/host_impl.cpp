#include "host_impl.hpp"

#include "agent_client/agent_rules.hpp"
#include "policy/policy_location.hpp"

namespace latchkey {

namespace {

std::optional<site::AgentAddress> agent_of(const HostOptions& options,
                                           const policy::Policy& policy) {
    auto socket = agent::agent_socket_for(options);
    if (!socket) return std::nullopt;
    return site::AgentAddress{*socket, policy.path(), options.interactive};
}

}  // namespace

HostImpl::HostImpl(HostOptions options)
    : options_(std::move(options)),
      policy_(policy::load_policy(options_.config_path)),
      resolver_(policy_, policy::Environment::from_process(options_.sets, policy_.dotenv)),
      catalog_(provider::default_search_path(options_.plugin_dirs, policy_.plugin_dirs)),
      interaction_(options_.interactive),
      storages_(policy_, resolver_, catalog_, services_),
      agent_(agent_of(options_, policy_)),
      // The backend when neither a site nor [storage] names one.
      builder_(policy_, resolver_, catalog_, storages_, services_,
               options_.storage.value_or("file")),
      sites_(builder_, resolver_, options_.site, agent_ ? &*agent_ : nullptr, services_) {
    // Nothing has used the services yet: the parts above only keep a reference.
    services_.interaction = &interaction_;
    services_.log_level = options_.log_level;
    services_.log_sink = options_.log_sink;
}

HostImpl::~HostImpl() = default;

}  // namespace latchkey
