// `latchkey config check|explain`
#include <iostream>

#include "colour.hpp"
#include "command.hpp"
#include "site_view.hpp"

namespace latchkey::cli {

namespace {

// The whole policy file: every site, [defaults], the storage tables.
int check(Context& ctx) {
    po::options_description desc("config check");
    po::variables_map vm;
    if (!parse_command_options(ctx, "config check", "config check", desc, vm)) return 0;
    admin::ConfigCheck report = ctx.admin().check_config();
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", report.config);
        j.key_bool("ok", report.ok());
        j.key_int("sites", static_cast<int64_t>(report.sites));
        j.w().Key("errors");
        j.w().StartArray();
        for (auto& [site, msg] : report.failures) {
            j.w().StartObject();
            j.key_string("site", site);
            j.key_string("message", without_url_passwords(msg));
            j.w().EndObject();
        }
        j.w().EndArray();
        j.w().Key("warnings");
        j.w().StartArray();
        for (auto& w : report.warnings) j.w().String(w.c_str());
        j.w().EndArray();
        j.w().EndObject();
        j.print();
    } else {
        for (auto& w : report.warnings) std::cerr << warning_prefix() << display(w) << "\n";
        for (auto& [site, msg] : report.failures)
            std::cerr << error_prefix() << display(msg) << "\n";
        if (report.ok())
            std::cout << display(report.config) << ": ok (" << report.sites << " site"
                      << (report.sites == 1 ? "" : "s") << ")" << std::endl;
    }
    return report.ok() ? 0 : 1;
}

int explain(Context& ctx) {
    po::options_description desc("config explain");
    add_all_option(desc);
    po::variables_map vm;
    if (!parse_command_options(ctx, "config explain", "config explain [--all]", desc, vm)) return 0;
    auto& admin = ctx.admin();
    std::vector<std::string> names = ctx.site_names(vm.count("all") > 0);
    if (ctx.format == Format::json) {
        Json j;
        j.w().StartObject();
        j.key_string("config", admin.policy_path());
        j.w().Key("sites");
        j.w().StartArray();
        for (auto& n : names) write_site_json(j, admin.describe(n), true);
        j.w().EndArray();
        j.w().EndObject();
        j.print();
        return 0;
    }
    std::cout << "policy " << display(admin.policy_path())
              << (admin.policy_exists() ? "" : " (does not exist)") << "\n";
    for (auto& n : names) {
        std::cout << "\n";
        print_site(admin.describe(n), true);
    }
    return 0;
}

}  // namespace

std::vector<Command> config_commands() {
    return {{"config check", "validate the policy file: every site against its provider", check},
            {"config explain", "show each effective value and where it came from", explain}};
}

}  // namespace latchkey::cli
