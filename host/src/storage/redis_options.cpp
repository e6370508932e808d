// The [storage.redis] option schema. It lives in liblatchkey, not in the
// redis module: the policy is resolved (and checked) against it before the
// backend is opened, and `latchkey config check` needs no Redis library.
#include "storage/redis_storage.hpp"

namespace latchkey::storage {

const std::vector<policy::OptionSpec>& redis_option_schema() {
    static const std::vector<policy::OptionSpec> schema = {
        {.key = "url",
         .type = LATCHKEY_OPT_STRING,
         .default_value = "redis://127.0.0.1:6379/0",
         .doc = "redis://[:PASSWORD@]HOST:PORT/DB (rediss:// needs a hiredis with TLS)"},
        {.key = "password",
         .type = LATCHKEY_OPT_STRING,
         .secret = true,
         .default_value = std::nullopt,
         .doc = "AUTH password; beats one in the url"},
        {.key = "key_prefix",
         .type = LATCHKEY_OPT_STRING,
         .default_value = "latchkey:",
         .doc = "prepended to every key latchkey writes"},
        {.key = "on_unavailable",
         .type = LATCHKEY_OPT_STRING,
         .default_value = "fail",
         .doc = "server unreachable at start: \"fail\", or \"memory\" (this process only)"},
        {.key = "lock_ttl",
         .type = LATCHKEY_OPT_DURATION,
         .default_value = "30s",
         .doc = "how long a fetch may hold the lock before others proceed"},
        {.key = "timeout",
         .type = LATCHKEY_OPT_DURATION,
         .default_value = "2s",
         .doc = "connect and per-command timeout"},
    };
    return schema;
}

}  // namespace latchkey::storage
