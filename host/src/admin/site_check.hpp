// Validating an edited policy before it replaces the real one: the file's
// structure, and the edited site against its provider's option schema.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "provider/catalog.hpp"

namespace latchkey::admin {

// The provider `name` from the search path (--plugin-dir dirs, then the
// policy's [host] plugin_dirs, ...). An unknown name is an error that lists
// the installed providers; `where` prefixes it ("file:line: site 'x'").
std::shared_ptr<provider::LoadedProvider> find_provider(provider::Catalog& catalog,
                                                      const std::string& name,
                                                      const std::string& where);

// Loads `staged` as the policy, reporting errors under `path` (the file it
// will replace). When `site` is set, also resolves that site against its
// provider, the way `latchkey config check` does, except that inputs only the
// running program needs -- an { env = NAME } variable that is not set here,
// an { file } or { secret } file not readable here -- are returned as
// warnings rather than errors. Throws the first error.
std::vector<std::string> check_staged_policy(const std::string& staged, const std::string& path,
                                             const std::optional<std::string>& site,
                                             const std::vector<std::string>& plugin_dirs);

}  // namespace latchkey::admin
