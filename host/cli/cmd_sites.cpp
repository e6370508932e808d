// `latchkey sites list|show [NAME]`; the editing commands are in cmd_sites_edit.cpp.
#include <iostream>
#include <optional>

#include "command.hpp"
#include "site_view.hpp"
#include "sites_edit.hpp"

namespace latchkey::cli {

namespace {

int list(Context& ctx) {
    po::options_description desc("sites list");
    po::variables_map vm;
    if (!parse_command_options(ctx, "sites list", "sites list", desc, vm)) return 0;
    auto& admin = ctx.admin();
    std::vector<std::string> sites = admin.sites();
    std::string selected;
    try {
        selected = admin.selected_site();
    } catch (const Error&) {
        // No unambiguous selection: nothing is marked.
    }
    // The provider each site names; "" when it cannot be read.
    auto provider_of = [&](const std::string& site) -> std::optional<std::string> {
        try {
            return admin.provider_of(site);
        } catch (const Error&) {
            return std::nullopt;
        }
    };
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", admin.policy_path());
        j.w().Key("sites");
        j.w().StartArray();
        for (auto& s : sites) {
            j.w().StartObject();
            j.key_string("name", s);
            j.key_string("provider", provider_of(s).value_or(""));
            j.key_bool("selected", s == selected);
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return 0;
    }
    if (sites.empty()) {
        std::cout << "no sites in " << display(admin.policy_path())
                  << (admin.policy_exists() ? "" : " (file does not exist)") << "\n";
        return 0;
    }
    std::vector<std::vector<std::string>> rows{{"", "SITE", "PROVIDER"}};
    for (auto& s : sites)
        rows.push_back({s == selected ? "*" : " ", s,
                        provider_of(s).value_or("(error: see `latchkey config check`)")});
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
    auto s = ctx.admin().describe(vm.count("name") ? vm["name"].as<std::string>() : "");
    if (ctx.format == Format::json) {
        Json j;
        write_site_json(j, s, false);
        j.print();
    } else {
        print_site(s, false);
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
