#include "served_policy.hpp"

namespace latchkey::agent {

ServedPolicy::ServedPolicy(Host host) : host_(std::move(host)), admin_(admin::Admin::of(host_)) {}

std::shared_ptr<ServedPolicy> ServedPolicy::open(const HostOptions& options) {
    // The agent is where others' requests end: its host never asks an agent
    // (another one, or itself).
    HostOptions own = options;
    own.ask_agent = false;
    std::shared_ptr<ServedPolicy> p(new ServedPolicy(Host::open(std::move(own))));
    p->path_ = p->admin_.policy_path();
    if (!p->admin_.policy_exists())
        throw Error(ErrorKind::config,
                    p->path_ +
                        " does not exist; the agent serves a policy's sites: pass --config "
                        "FILE or create it");
    try {
        p->default_site_ = p->host_.selected_site();
    } catch (const Error&) {
        // Several sites and no default: every request names its site.
    }
    // Each site resolved now, so that its allow rules are known before its
    // first request and a broken site is reported at start.
    for (auto& name : p->host_.sites()) {
        ServedSite s;
        try {
            auto d = p->admin_.describe(name);
            s.allow = d.allow;
            for (auto& v : d.values)
                if (v.key == "cloud_endpoint")
                    s.cloud_endpoint = v.text;
                else if (v.key == "token_username")
                    s.token_username = v.text;
                else if (v.key == "token_file")
                    s.token_file = v.text;
        } catch (const Error& e) {
            s.error = e.what();
        }
        p->sites_.emplace(name, std::move(s));
    }
    return p;
}

const ServedSite* ServedPolicy::find(const std::string& site) const {
    auto it = sites_.find(site);
    return it == sites_.end() ? nullptr : &it->second;
}

}  // namespace latchkey::agent
