// `latchkey providers list|show NAME`: provider plugins, and the storage
// plugins found on the same search path.
#include <iostream>

#include "command.hpp"

namespace latchkey::cli {

namespace {

using admin::PluginInfo;

// An option schema as a JSON array under "options" (providers and storage plugins alike).
void write_schema_json(Json& j, const std::vector<admin::OptionInfo>& schema) {
    auto& w = j.w();
    w.StartArray();
    for (auto& o : schema) {
        w.StartObject();
        j.key_string("key", o.key);
        j.key_string("type", o.type);
        j.key_bool("required", o.required);
        j.key_bool("secret", o.secret);
        j.key_bool("identity", o.identity);
        if (o.default_value) j.key_string("default", *o.default_value);
        j.key_string("doc", o.doc);
        w.EndObject();
    }
    w.EndArray();
}

// An option schema as an indented table.
void print_schema(const std::vector<admin::OptionInfo>& schema) {
    std::vector<std::vector<std::string>> rows{
        {"  KEY", "TYPE", "FLAGS", "DEFAULT", "DESCRIPTION"}};
    for (auto& o : schema) {
        std::string flags;
        if (o.required) flags += "required ";
        if (o.secret) flags += "secret ";
        if (o.identity) flags += "identity";
        rows.push_back({"  " + o.key, o.type, flags.empty() ? "-" : flags,
                        o.default_value ? *o.default_value : "-", o.doc});
    }
    print_table(rows);
}

// The plugins of one kind that loaded, as JSON objects.
void write_plugins_json(Json& j, const std::vector<PluginInfo>& plugins, PluginInfo::Kind kind) {
    auto& w = j.w();
    w.StartArray();
    for (auto& p : plugins) {
        if (p.refused() || p.kind != kind) continue;
        w.StartObject();
        j.key_string("name", p.name);
        j.key_string("version", p.version);
        j.key_string("description", p.description);
        j.key_string("path", p.path);
        if (!p.shadowed_by.empty()) j.key_string("shadowed_by", p.shadowed_by);
        w.EndObject();
    }
    w.EndArray();
}

// The plugins of one kind that serve their name, as table rows after `head`.
std::vector<std::vector<std::string>> plugin_rows(const std::vector<PluginInfo>& plugins,
                                                  PluginInfo::Kind kind,
                                                  const std::string& indent) {
    std::vector<std::vector<std::string>> rows{{indent + "NAME", "VERSION", "DESCRIPTION"}};
    for (auto& p : plugins)
        if (!p.refused() && p.shadowed_by.empty() && p.kind == kind)
            rows.push_back({indent + p.name, p.version, p.description});
    return rows;
}

int list(Context& ctx) {
    po::options_description desc("providers list");
    po::variables_map vm;
    if (!parse_command_options(ctx, "providers list", "providers list", desc, vm)) return 0;
    admin::PluginList found = ctx.admin().plugins();
    if (ctx.format == Format::json) {
        Json j;
        auto& w = j.w();
        w.StartObject();
        w.Key("search_path");
        w.StartArray();
        for (auto& d : found.search_path) {
            w.StartObject();
            j.key_string("path", d.path);
            j.key_string("origin", d.origin);
            w.EndObject();
        }
        w.EndArray();
        w.Key("providers");
        write_plugins_json(j, found.plugins, PluginInfo::Kind::provider);
        w.Key("storage_plugins");
        write_plugins_json(j, found.plugins, PluginInfo::Kind::storage);
        w.Key("refused");
        w.StartArray();
        for (auto& p : found.plugins) {
            if (!p.refused()) continue;
            w.StartObject();
            j.key_string("path", p.path);
            j.key_string("reason", p.refusal);
            w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        j.print();
        return 0;
    }
    auto rows = plugin_rows(found.plugins, PluginInfo::Kind::provider, "");
    if (rows.size() == 1)
        std::cout << "no provider plugins found\n";
    else
        print_table(rows);
    // Storage plugins ([storage] backend = "NAME") live on the same path.
    auto storage_rows = plugin_rows(found.plugins, PluginInfo::Kind::storage, "  ");
    if (storage_rows.size() > 1) {
        std::cout << "\nstorage plugins:\n";
        print_table(storage_rows);
    }
    for (auto& p : found.plugins) {
        if (!p.shadowed_by.empty())
            std::cout << "shadowed: " << display(p.path) << " (" << p.kind_name() << " "
                      << display(p.declared_name) << " is served by " << display(p.shadowed_by)
                      << ")\n";
        if (p.refused()) std::cout << "refused: " << display(p.refusal) << "\n";
    }
    if (ctx.host_options.log_level <= LogLevel::info) {
        std::cout << "\nsearch path:\n";
        for (auto& d : found.search_path)
            std::cout << "  " << display(d.path) << "  (" << display(d.origin) << ")\n";
    }
    return 0;
}

int show(Context& ctx) {
    po::options_description desc("providers show");
    desc.add_options()("name", po::value<std::string>(), "provider name");
    po::positional_options_description pos;
    pos.add("name", 1);
    po::variables_map vm;
    if (!parse_command_options(ctx, "providers show", "providers show NAME", desc, vm, &pos))
        return 0;
    if (!vm.count("name"))
        throw Error(ErrorKind::usage,
                    "providers show: which provider? (see `latchkey providers list`)");
    PluginInfo p = ctx.admin().plugin(vm["name"].as<std::string>());
    bool storage = p.kind == PluginInfo::Kind::storage;
    if (ctx.format == Format::json) {
        Json j;
        auto& w = j.w();
        w.StartObject();
        j.key_string("name", p.name);
        if (storage) j.key_string("kind", "storage");
        j.key_string("version", p.version);
        j.key_string("description", p.description);
        j.key_string("path", p.path);
        j.key_string("abi", p.abi);
        if (!storage) j.key_bool("refresh", p.refreshes);
        w.Key("options");
        write_schema_json(j, p.options);
        w.EndObject();
        j.print();
        return 0;
    }
    std::cout << display(p.name) << " " << display(p.version) << " - " << display(p.description)
              << "\n";
    if (storage) {
        // How to use a storage plugin, and where its options go.
        std::cout << "storage plugin, file: " << display(p.path) << "\n"
                  << "storage ABI " << p.abi << "\n"
                  << "use it with [storage] backend = \"" << display(p.name)
                  << "\" (or a site's storage = \"" << display(p.name)
                  << "\")\n\noptions, in [storage." << display(p.name) << "] or "
                  << display(p.env_prefix) << "KEY:\n";
        print_schema(p.options);
        return 0;
    }
    std::cout << "file: " << display(p.path) << "\n"
              << "ABI " << p.abi
              << (p.refreshes ? ", refreshes" : ", acquires again instead of refreshing")
              << "\n\noptions:\n";
    print_schema(p.options);
    std::cout << "\nevery site also takes: ";
    for (auto& key : admin::site_option_keys()) std::cout << key << " ";
    std::cout << std::endl;
    return 0;
}

}  // namespace

std::vector<Command> provider_commands() {
    return {{"providers list", "list provider and storage plugins on the search path", list},
            {"providers show", "show a provider's (or storage plugin's) options", show}};
}

}  // namespace latchkey::cli
