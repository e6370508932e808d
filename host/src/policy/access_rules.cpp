#include "policy/access_rules.hpp"

#include "latchkey/error.hpp"
#include "util/strings.hpp"

namespace latchkey::policy {

namespace {

[[noreturn]] void fail(const SourcePos& pos, const std::string& message) {
    throw config_error_at(pos, "allow: " + message);
}

const std::vector<std::string>& rule_kinds() {
    static const std::vector<std::string> kinds = {"uid", "group", "exe"};
    return kinds;
}

AccessRule parse_rule(const Policy& policy, const toml::node& item) {
    SourcePos pos = policy.pos_of(item);
    auto* t = item.as_table();
    if (!t)
        fail(pos,
             "expected a table such as { uid = 1000 }, { group = \"deploy\" } or { exe = "
             "\"/usr/bin/git\" }, found " +
                 type_of(item));
    if (t->size() != 1)
        fail(pos,
             "each element names one caller: { uid = N }, { group = \"NAME\" } or { exe = "
             "\"/PATH\" } (several elements: any one may match)");
    auto first = t->begin();
    const toml::key& key = first->first;
    const toml::node& value = first->second;
    AccessRule rule;
    rule.kind = std::string(key.str());
    rule.pos = policy.pos_of(value);
    if (rule.kind == "uid") {
        auto uid = value.value<int64_t>();
        if (!value.is_integer() || *uid < 0 || *uid > 0xFFFFFFFELL)
            fail(rule.pos, "uid: expected a user id (an integer from 0 to 4294967294), found " +
                               (value.is_integer() ? std::to_string(*uid) : type_of(value)));
        rule.value = std::to_string(*uid);
    } else if (rule.kind == "group" || rule.kind == "exe") {
        if (!value.is_string() || value.value<std::string>()->empty())
            fail(rule.pos, rule.kind + ": expected a non-empty string, found " + type_of(value));
        rule.value = *value.value<std::string>();
        if (rule.kind == "exe" && rule.value[0] != '/')
            fail(rule.pos, "exe: expected an absolute path (the caller's /proc/PID/exe), found \"" +
                               rule.value + "\"");
    } else {
        std::string near = util::nearest(rule.kind, rule_kinds());
        fail(policy.pos_of(key),
             "unknown caller kind '" + rule.kind + "'" +
                 (near.empty() ? "; use uid, group or exe" : "; did you mean '" + near + "'?"));
    }
    return rule;
}

}  // namespace

std::vector<AccessRule> parse_access_rules(const Policy& policy, const toml::node& node) {
    auto* arr = node.as_array();
    if (!arr)
        fail(policy.pos_of(node),
             "expected an array of callers, e.g. [{ uid = 1000 }], found " + type_of(node));
    std::vector<AccessRule> rules;
    for (auto& item : *arr) rules.push_back(parse_rule(policy, item));
    return rules;
}

std::string access_rules_text(const std::vector<AccessRule>& rules) {
    std::vector<std::string> parts;
    for (auto& r : rules)
        parts.push_back("{" + r.kind + " = " + (r.kind == "uid" ? r.value : "\"" + r.value + "\"") +
                        "}");
    return "[" + util::join(parts, ", ") + "]";
}

}  // namespace latchkey::policy
