// The schema of one option, whether it belongs to a provider or to the host.
#pragma once

#include <latchkey/provider.h>

#include <optional>
#include <string>
#include <vector>

namespace latchkey::policy {

struct OptionSpec {
    std::string key;
    latchkey_option_type type = LATCHKEY_OPT_STRING;
    bool required = false;
    bool secret = false;
    bool identity = false;
    std::optional<std::string> default_value;
    std::string doc;
};

const char* type_name(latchkey_option_type type);

// Keys every site understands, whatever its provider.
const std::vector<OptionSpec>& host_site_options();

}  // namespace latchkey::policy
