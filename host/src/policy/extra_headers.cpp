#include "policy/extra_headers.hpp"

#include <rapidjson/document.h>

#include <latchkey/common/bounded_json.hpp>
#include <latchkey/common/text.hpp>

#include "latchkey/error.hpp"

namespace latchkey::policy {

namespace {

constexpr const char* kShape =
    "expected a table of header names and values, such as { \"X-Client\" = \"latchkey\" }";

[[noreturn]] void fail(const std::string& where, const std::string& what) {
    throw Error(ErrorKind::config, where + ": " + std::string(kExtraHeaders) + ": " + what);
}

[[noreturn]] void fail(const SourcePos& where, const std::string& what) {
    throw config_error_at(where, std::string(kExtraHeaders) + ": " + what);
}

std::optional<std::string> problem(std::string_view name, std::string_view value) {
    if (!common::is_header_name(name))
        return "'" + common::printable(name, 80) +
               "' is not an HTTP field name (letters, digits and !#$%&'*+-.^_`|~ only)";
    if (common::has_control_chars(value))
        return "the value of '" + std::string(name) +
               "' contains a control character (such as a line break), which would end the "
               "header line and start another";
    return std::nullopt;
}

ResolvedValue empty_value(const std::string& source) {
    ResolvedValue v;
    v.set = true;
    v.is_list = true;
    v.source = source;
    return v;
}

bool is_value_reference(const toml::table& table) {
    if (table.size() != 1) return false;
    std::string_view key = table.begin()->first.str();
    return key == "env" || key == "file" || key == "secret";
}

}  // namespace

ResolvedValue extra_headers_from_json(const std::string& text, const std::string& source) {
    rapidjson::Document doc;
    if (auto bad = common::parse_bounded_json(doc, text))
        fail(source,
             "expected a JSON object of header names and values, such as "
             "{\"X-Client\": \"latchkey\"}; it is not JSON");
    if (!doc.IsObject())
        fail(source,
             "expected a JSON object of header names and values, such as "
             "{\"X-Client\": \"latchkey\"}");
    ResolvedValue v = empty_value(source);
    for (auto& m : doc.GetObject()) {
        std::string_view name(m.name.GetString(), m.name.GetStringLength());
        if (!m.value.IsString())
            fail(source, "the value of '" + common::printable(name, 80) + "' must be a string");
        std::string_view value(m.value.GetString(), m.value.GetStringLength());
        if (auto p = problem(name, value)) fail(source, *p);
        v.list.push_back(std::string(name) + ": " + std::string(value));
    }
    return v;
}

std::optional<ResolvedValue> extra_headers_from_node(const toml::node& node, const Policy& policy,
                                                     const std::string& source) {
    if (node.is_string()) return extra_headers_from_json(*node.value<std::string>(), source);
    const toml::table* t = node.as_table();
    if (!t) fail(policy.pos_of(node), std::string(kShape) + ", found " + type_of(node));
    if (is_value_reference(*t)) return std::nullopt;
    const toml::table& table = *t;
    ResolvedValue v = empty_value(source);
    for (auto&& [key, node] : table) {
        std::string_view name = key.str();
        if (!node.is_string())
            fail(policy.pos_of(node), "the value of '" + common::printable(name, 80) +
                                          "' must be a string, found " + type_of(node));
        std::string value = *node.value<std::string>();
        if (!common::is_header_name(name)) fail(policy.pos_of(key), *problem(name, value));
        if (auto p = problem(name, value)) fail(policy.pos_of(node), *p);
        v.list.push_back(std::string(name) + ": " + value);
    }
    return v;
}

std::vector<std::pair<std::string, std::string>> extra_header_pairs(const ResolvedValue& value) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& line : value.list) {
        auto colon = line.find(": ");
        out.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    return out;
}

}  // namespace latchkey::policy
