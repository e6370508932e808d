// A site's provider run in a helper process (isolation = "process"): the
// host's side of the conversation in messages.hpp. The plugin is never
// mapped into this process; the helper loads it (with the same checks and
// pin), serves HTTP, logging, signing, random and the clock itself with the
// library's own code, and asks this side for what must be the host's: the
// person (prompts, notices, the browser), the site's cache in storage and
// other sites' credentials.
//
// Every call is bounded: the helper must say something within the site's
// timeout (plus a second), and says so before each wait of its own (an HTTP
// request, a sleep). A helper that hangs is killed; one that crashes, exits,
// runs out of memory or sends garbage ends the call with an error naming
// the plugin file and what happened, and a new helper is started on next use.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "provider/provider_instance.hpp"
#include "isolation/frames.hpp"
#include "isolation/helper_process.hpp"
#include "isolation/messages.hpp"

namespace latchkey::isolation {

class IsolatedProvider : public provider::SiteProvider {
 public:
    // Starts a helper for the plugin file `path` (pinned to `sha256` when
    // set) and reads its descriptor. Throws Error(plugin) naming the file.
    IsolatedProvider(std::string path, std::string sha256, int64_t timeout_ms,
                     provider::Services& services);
    ~IsolatedProvider() override;

    const std::string& path() const { return path_; }
    const std::string& name() const { return name_; }
    const std::vector<policy::OptionSpec>& schema() const { return schema_; }
    bool has_expired() const { return has_expired_; }

    // Hands the helper this site's options (and nothing else) and makes the
    // provider instance there. Throws like an in-process create would.
    void bind(policy::ResolvedSite site, provider::SiteLinks links);

    provider::ProviderResult acquire() override;
    bool can_refresh() const override { return has_refresh_; }
    provider::ProviderResult refresh(const detail::CredentialData& current) override;
    bool expired(const detail::CredentialData& current, int64_t now_ms) override;
    bool can_revoke() const override { return has_revoke_; }
    bool can_whoami() const override { return has_whoami_; }
    provider::ProviderResult revoke(const detail::CredentialData& current) override;
    provider::ProviderResult whoami(const detail::CredentialData& current, std::string& json) override;

 private:
    // Starts a helper and reads its "ready".
    void start();
    // Sends "create" to a started helper; throws as bind() does.
    void create();
    // Sends `request`, serves the helper's questions, returns its "done".
    // On any failure the helper is stopped and `failure` says why.
    std::optional<rapidjson::Document> call(const Message& request, const char* what,
                                            provider::ProviderResult& failure);
    // Serves one question or notice from the helper. False for an unknown op.
    bool serve(const rapidjson::Document& message, int64_t& deadline);
    void answer(Message& reply);
    // The error for a helper that failed in `what`, after stopping it.
    provider::ProviderResult broken(const char* what, ReadFailure why);
    provider::ProviderResult outcome_of(const rapidjson::Document& done);
    // revoke and whoami: a status, a message, and for whoami a document.
    provider::ProviderResult status_call(const char* op, const detail::CredentialData& current,
                                const char* fallback, std::string* json);
    int64_t grace_deadline(int64_t wait_ms) const;

    std::string path_, sha256_;
    int64_t timeout_ms_;
    provider::Services& services_;
    std::string name_;
    std::vector<policy::OptionSpec> schema_;
    bool has_refresh_ = false, has_expired_ = false, has_revoke_ = false, has_whoami_ = false;
    std::optional<policy::ResolvedSite> site_;
    provider::SiteLinks links_;
    std::mutex mu_;  // one conversation at a time
    std::unique_ptr<HelperProcess> helper_;
    long long dying_memory_mib_ = 0;  // from the helper's last word, if any
};

}  // namespace latchkey::isolation
