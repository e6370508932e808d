// `extra_headers`: header lines a site's requests carry beside the
// credential (Anaconda's ANACONDA_AUTH_EXTRA_HEADERS), sent by `latchkey
// curl` and printed by `latchkey token --header`.
//
// In the policy, a table of name = "value" (inline, or [sites.NAME.extra_headers]);
// from the environment, `.env`, `--set` or an { env | file | secret }
// reference, a JSON object of strings, as Anaconda takes it. Either way
// every name must be an HTTP field name and no value may hold a control
// character (CR or LF would start a header of the sender's choosing), or
// the policy is refused at the entry's position.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/policy.hpp"
#include "policy/resolver.hpp"

namespace latchkey::policy {

inline constexpr const char* kExtraHeaders = "extra_headers";

// From JSON text; `source` names where it came from in errors.
ResolvedValue extra_headers_from_json(const std::string& text, const std::string& source);
// From the policy: a table of headers, or a string of JSON; errors name the
// entry's file:line:column. nullopt for a reference ({ env = "NAME" } ...),
// which the resolver follows to JSON text.
std::optional<ResolvedValue> extra_headers_from_node(const toml::node& node, const Policy& policy,
                                                     const std::string& source);

// The (name, value) pairs of a resolved extra_headers value.
std::vector<std::pair<std::string, std::string>> extra_header_pairs(const ResolvedValue& value);

}  // namespace latchkey::policy
