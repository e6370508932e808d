// `latchkey sites list|show [NAME]`; the editing commands are in cmd_sites_edit.cpp.
#include <iostream>

#include "command.hpp"
#include "site_view.hpp"
#include "sites_edit.hpp"

namespace latchkey::cli {

namespace {

int list(Context& ctx) {
    po::options_description desc("sites list");
    po::variables_map vm;
    if (!parse_command_options(ctx, "sites list", "sites list", desc, vm)) return 0;
    auto& host = ctx.host();
    auto& policy = host.policy();
    std::string selected;
    try {
        selected = host.selected_site();
    } catch (const Error&) {
        // No unambiguous selection: nothing is marked.
    }
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", policy.path());
        j.w().Key("sites");
        j.w().StartArray();
        for (auto& s : policy.sites) {
            j.w().StartObject();
            j.key_string("name", s.name);
            std::string provider;
            try {
                provider = host.resolver().provider_of(s.name);
            } catch (const Error&) {
            }
            j.key_string("provider", provider);
            j.key_bool("selected", s.name == selected);
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return 0;
    }
    if (policy.sites.empty()) {
        std::cout << "no sites in " << display(policy.path())
                  << (policy.exists() ? "" : " (file does not exist)") << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"", "SITE", "PROVIDER"}};
    for (auto& s : policy.sites) {
        std::string provider;
        try {
            provider = host.resolver().provider_of(s.name);
        } catch (const Error& e) {
            provider = "(error: see `latchkey config check`)";
        }
        rows.push_back({s.name == selected ? "*" : " ", s.name, provider});
    }
    print_table(rows);
    return 0;
}

int show(Context& ctx) {
    po::options_description desc("sites show");
    desc.add_options()("name", po::value<std::string>(), "site (default: the selected site)");
    po::positional_options_description pos;
    pos.add("name", 1);
    po::variables_map vm;
    if (!parse_command_options(ctx, "sites show", "sites show [NAME]", desc, vm, &pos)) return 0;
    std::string name = vm.count("name") ? vm["name"].as<std::string>() : ctx.host().selected_site();
    auto& s = ctx.host().site(name);
    if (ctx.format == Format::json) {
        Json j;
        write_site_json(j, s, false);
        j.print();
    } else {
        print_site(ctx, s, false);
    }
    return 0;
}

}  // namespace

std::vector<Command> site_commands() {
    std::vector<Command> all{
        {"sites list", "list the sites of the policy (* marks the selected one)", list},
        {"sites show", "show a site's effective settings (secrets masked)", show}};
    for (auto& c : site_edit_commands()) all.push_back(c);
    return all;
}

}  // namespace latchkey::cli
