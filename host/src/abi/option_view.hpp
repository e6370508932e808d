// The options a plugin reads through the ABI (option, option_list_size,
// option_list_item), for providers and storage plugins alike: a site's or a
// backend's resolved values, with each list also offered as one
// space-joined string. Built before the plugin's create() or open() and
// read-only afterwards, so any number of threads may read it at once (a
// provider's expired() runs on the lock-free read path).
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "policy/resolver.hpp"

namespace latchkey::abi {

class OptionView {
 public:
    using Values = std::map<std::string, policy::ResolvedValue>;
    // `values` outlives the view.
    explicit OptionView(const Values& values);

    // option(): the value as text (a list joined with spaces); null when unset.
    const char* text(const char* key) const;
    // option_list_size(): a list's length, 1 for a single value, 0 when unset.
    size_t list_size(const char* key) const;
    // option_list_item(): item `i` (a single value is a list of one).
    const char* list_item(const char* key, size_t i) const;

 private:
    const policy::ResolvedValue* find(const char* key) const;

    const Values& values_;
    std::map<std::string, std::string> joined_;
};

}  // namespace latchkey::abi
