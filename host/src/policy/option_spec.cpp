#include "policy/option_spec.hpp"

namespace latchkey::policy {

const char* type_name(latchkey_option_type type) {
    switch (type) {
        case LATCHKEY_OPT_STRING:
            return "string";
        case LATCHKEY_OPT_INT:
            return "integer";
        case LATCHKEY_OPT_BOOL:
            return "boolean";
        case LATCHKEY_OPT_DURATION:
            return "duration";
        case LATCHKEY_OPT_LIST:
            return "list of strings";
        case LATCHKEY_OPT_PATH:
            return "path";
    }
    return "unknown";
}

const std::vector<OptionSpec>& host_site_options() {
    static const std::vector<OptionSpec> specs = {
        {"provider", LATCHKEY_OPT_STRING, true, false, true, std::nullopt,
         "the provider plugin that serves this site"},
        {"env_prefix", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "environment prefix: PREFIX_CLIENT_ID overrides client_id"},
        {"storage", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "token storage for this site (memory | file | keyring | system | redis | a storage "
         "plugin); "
         "default [storage] backend"},
        {"refresh_before", LATCHKEY_OPT_DURATION, false, false, false, std::nullopt,
         "refresh this long before expiry; default scales with the token's lifetime"},
        {"refresh_at", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "refresh at this share of the lifetime, e.g. \"75%\""},
        {"timeout", LATCHKEY_OPT_DURATION, false, false, false, std::string("10s"),
         "timeout of each HTTP request"},
        {"refresh_timeout", LATCHKEY_OPT_DURATION, false, false, false, std::string("60s"),
         "timeout of a refresh request (at most 10m, never below `timeout`): one that got no "
         "answer is not resent, since the server may have spent the refresh token"},
        {"ca_file", LATCHKEY_OPT_PATH, false, false, false, std::nullopt,
         "PEM file of CAs to trust for this site's HTTPS instead of the system's"},
        {"token_type", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "present the token as `TYPE TOKEN` whatever the provider said, e.g. AnaplanAuthToken "
         "for an OAuth token Anaplan's APIs want under that scheme"},
        {"token_file", LATCHKEY_OPT_PATH, false, false, false, std::nullopt,
         "file that `latchkey token --write` keeps holding the current token (0600, replaced "
         "atomically), for tools that read a token from a file"},
        {"extra_headers", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "headers sent beside the credential by `latchkey curl` and printed by `token --header`: "
         "a table { \"X-Name\" = \"value\" }, or a JSON object from the environment"},
        {"isolation", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "where the provider runs: none (the default: in this process) or process (a helper "
         "process of its own, so a crash, hang or leak costs this site an error)"},
        {"url_patterns", LATCHKEY_OPT_LIST, false, false, false, std::nullopt,
         "the servers this site's credential is for, as [SCHEME://]HOST[:PORT][/PATH] with `*`: "
         "how the git, docker and kubectl credential helpers choose the site for a server"},
        {"token_username", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "the user name sent with the token where a tool wants a user and a password (git, "
         "docker registries); default x-access-token"},
        {"provider_sha256", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "SHA-256 (hex) the provider's plugin file must have; any other file is refused"},
        {"allow", LATCHKEY_OPT_LIST, false, false, false, std::nullopt,
         "who may read this site through `latchkey agent`: [{ uid = 1000 }, { group = \"deploy\" "
         "}, { exe = \"/usr/bin/git\" }], any one matching; default: the agent's own user"},
        {"cloud_endpoint", LATCHKEY_OPT_STRING, false, false, false, std::nullopt,
         "serve this site to unmodified cloud SDKs from `latchkey agent` on 127.0.0.1: aws (the "
         "container credentials service), gce (the metadata server), azure (App Service managed "
         "identity); `latchkey agent env --at SITE` prints the variables"},
    };
    return specs;
}

}  // namespace latchkey::policy
