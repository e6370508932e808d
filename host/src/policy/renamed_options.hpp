// Option names that changed before the first release (docs/option-names.md).
// No old name is accepted; an old name found where an option is expected is
// reported with the name that replaced it, so a policy written against an
// earlier build is fixed in one step.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace latchkey::policy {

// What to say about `key`, which is not in `known` (the keys valid where it
// was found, for a site served by `provider`, "" outside a site): "did you
// mean 'NEW'? (renamed from 'OLD')" when `key` is an old name whose new name
// is in `known`, the replacement's explanation when it is a removed name of
// `provider`, else nothing.
std::optional<std::string> renamed_option_hint(const std::string& key,
                                               const std::vector<std::string>& known,
                                               const std::string& provider = "");

}  // namespace latchkey::policy
