// The policy file as `latchkey sites add|modify|remove|set-default` edits
// it: parsed as text with every key's position, then each kind of edit is
// tried on a copy (each edit parses the result again).
#include <cstdint>

#include "policy/policy_edit.hpp"
#include "support/guarded.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace latchkey;
    using fuzz::guarded;
    guarded([&] {
        const policy::PolicyText doc(std::string(reinterpret_cast<const char*>(data), size),
                                     "policy.toml");
        doc.default_site();
        std::vector<std::string> names = doc.site_names();
        if (names.size() > 4) names.resize(4);  // each edit re-parses the whole text
        for (auto& name : names) {
            guarded([&] {
                policy::PolicyText copy = doc;
                copy.modify_site(name, {{"client_id", "\"fuzz\""}, {"scopes", "[\"a\", \"b\"]"}},
                                 {"token_url"});
            });
            guarded([&] {
                policy::PolicyText copy = doc;
                copy.remove_site(name);
            });
            guarded([&] {
                policy::PolicyText copy = doc;
                copy.set_default_site(name);
            });
        }
        guarded([&] {
            policy::PolicyText copy = doc;
            copy.add_site("fuzz-new", {{"provider", "\"api-key\""}, {"token", "\"t\""}});
            copy.set_default_site(std::nullopt);
        });
    });
    return 0;
}
