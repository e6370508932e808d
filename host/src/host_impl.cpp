#include "host_impl.hpp"

#include "policy/policy_location.hpp"

namespace latchkey {

HostImpl::HostImpl(HostOptions options)
    : options_(std::move(options)),
      policy_(policy::load_policy(options_.config_path)),
      resolver_(policy_, policy::Environment::from_process(options_.sets, policy_.dotenv)),
      catalog_(provider::default_search_path(options_.plugin_dirs, policy_.plugin_dirs)),
      interaction_(options_.interactive),
      storages_(policy_, resolver_, catalog_, services_),
      // The backend when neither a site nor [storage] names one.
      builder_(policy_, resolver_, catalog_, storages_, services_,
               options_.storage.value_or("file")),
      sites_(builder_, resolver_, options_.site) {
    // Nothing has used the services yet: the parts above only keep a reference.
    services_.interaction = &interaction_;
    services_.log_level = options_.log_level;
    services_.log_sink = options_.log_sink;
}

HostImpl::~HostImpl() = default;

}  // namespace latchkey
