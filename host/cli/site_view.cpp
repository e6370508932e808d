#include "site_view.hpp"

#include <iostream>

namespace latchkey::cli {

namespace {

// A value as explain and show present it: secrets as **** (done by the
// library), durations readable, and the password of a URL
// (token_url = "https://user:PASSWORD@host/") masked.
std::string shown(const admin::Value& v) {
    if (v.duration_ms) return human_duration(*v.duration_ms);
    return without_url_passwords(v.text);
}

}  // namespace

void print_site(const admin::SiteDescription& s, bool with_sources) {
    std::cout << "site " << s.name << " (" << display(s.defined_at) << ")\n"
              << "  provider " << display(s.provider) << " from " << display(s.provider_path)
              << "\n"
              << "  storage  " << display(s.storage) << ", key " << display(s.storage_key);
    if (s.storage == "file") std::cout << " in " << display(s.storage_location);
    std::cout << "\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back(with_sources ? std::vector<std::string>{"  KEY", "VALUE", "SOURCE"}
                                : std::vector<std::string>{"  KEY", "VALUE"});
    for (auto& v : s.values) {
        if (with_sources)
            rows.push_back({"  " + v.key, shown(v), v.source});
        else
            rows.push_back({"  " + v.key, shown(v)});
    }
    print_table(rows);
}

void write_site_json(Json& j, const admin::SiteDescription& s, bool with_sources) {
    auto& w = j.w();
    w.StartObject();
    j.key_string("site", s.name);
    j.key_string("provider", s.provider);
    j.key_string("provider_path", s.provider_path);
    j.key_string("storage", s.storage);
    j.key_string("storage_key", s.storage_key);
    j.key_string("defined_at", s.defined_at);
    w.Key("values");
    w.StartObject();
    for (auto& v : s.values) {
        w.Key(v.key.c_str());
        if (with_sources) {
            w.StartObject();
            j.key_string("value", shown(v));
            j.key_string("source", v.source);
            w.EndObject();
        } else {
            w.String(shown(v).c_str());
        }
    }
    w.EndObject();
    w.EndObject();
}

}  // namespace latchkey::cli
