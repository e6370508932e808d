// The policy file: toml++ parses it, Policy::load checks its structure, and
// every site (and storage table) is resolved against a schema with one
// option of each type, as `latchkey config check` does for each provider.
#include <cstdint>

#include "policy/policy.hpp"
#include "policy/resolver.hpp"
#include "support/guarded.hpp"
#include "support/scratch_file.hpp"

namespace {

using namespace latchkey;
using fuzz::guarded;

std::vector<policy::OptionSpec> schema() {
    auto spec = [](const char* key, latchkey_option_type type, bool required = false,
                   bool secret = false, const char* def = nullptr) {
        policy::OptionSpec s;
        s.key = key;
        s.type = type;
        s.required = required;
        s.secret = secret;
        if (def) s.default_value = def;
        return s;
    };
    return {spec("token_url", LATCHKEY_OPT_STRING, true),
            spec("client_secret", LATCHKEY_OPT_STRING, false, true),
            spec("scopes", LATCHKEY_OPT_LIST),
            spec("retries", LATCHKEY_OPT_INT, false, false, "3"),
            spec("verify", LATCHKEY_OPT_BOOL, false, false, "true"),
            spec("token_lifetime", LATCHKEY_OPT_DURATION)};
}

// Only what the test names: the process environment would make runs differ.
policy::Environment environment() {
    policy::Environment env;
    env.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "FUZZ_SECRET") return "s3cret";
        if (name == "LATCHKEY_SECRETS_DIR") return "/nonexistent/latchkey-fuzz-secrets";
        return std::nullopt;
    };
    env.dotenv["FROM_DOTENV"] = {"5m", 1};
    env.dotenv_path = ".env";
    return env;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static fuzz::ScratchFile file("policy.toml");
    static const std::vector<policy::OptionSpec> options = schema();
    const std::string& path = file.write(data, size);
    guarded([&] {
        policy::Policy p = policy::Policy::load(path);
        policy::Resolver r(p, environment());
        guarded([&] { r.select_site(std::nullopt); });
        for (auto& site : p.sites) {
            guarded([&] { r.provider_pos(site.name); });
            guarded([&] {
                policy::ResolvedSite s = r.resolve(site.name, options);
                s.refresh_before_ms();
                s.refresh_at();
                s.timeout_ms();
                policy::secret_texts(s.values);
            });
        }
        if (p.storage_table)
            for (auto& entry : *p.storage_table) {
                // Not a structured binding: clang 14 cannot capture one.
                const std::string where = "[storage." + std::string(entry.first.str()) + "]";
                const toml::table* table = entry.second.as_table();
                guarded([&] { r.resolve_table(table, where, "LATCHKEY_STORAGE_", options); });
            }
    });
    return 0;
}
