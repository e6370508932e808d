#include "site_view.hpp"

#include <iostream>

#include "util/strings.hpp"

namespace latchkey::cli {

namespace {

// A value as explain and show present it: secrets as ****, and the password
// of a URL (token_url = "https://user:PASSWORD@host/") masked too.
std::string shown(const policy::ResolvedValue& v) {
    if (v.secret) return "****";
    if (v.is_list) return without_url_passwords("[" + util::join(v.list, ", ") + "]");
    if (v.is_duration) return human_duration(v.ms);
    return without_url_passwords(v.text);
}

}  // namespace

void print_site(Context& ctx, site::Site& s, bool with_sources) {
    auto& r = s.resolved;
    std::cout << "site " << r.name << " (" << display(r.pos.str()) << ")\n"
              << "  provider " << display(r.provider) << " from " << display(s.provider->path())
              << "\n"
              << "  storage  " << display(s.tokens->storage_name()) << ", key " << display(s.tokens->storage_key());
    if (s.tokens->storage_name() == "file") std::cout << " in " << display(ctx.host().storages().file_dir());
    std::cout << "\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back(with_sources ? std::vector<std::string>{"  KEY", "VALUE", "SOURCE"}
                                : std::vector<std::string>{"  KEY", "VALUE"});
    for (auto& [key, v] : r.values) {
        if (!v.set) continue;
        if (with_sources)
            rows.push_back({"  " + key, shown(v), v.source});
        else
            rows.push_back({"  " + key, shown(v)});
    }
    print_table(rows);
}

void write_site_json(Json& j, site::Site& s, bool with_sources) {
    auto& w = j.w();
    auto& r = s.resolved;
    w.StartObject();
    j.key_string("site", r.name);
    j.key_string("provider", r.provider);
    j.key_string("provider_path", s.provider->path());
    j.key_string("storage", s.tokens->storage_name());
    j.key_string("storage_key", s.tokens->storage_key());
    j.key_string("defined_at", r.pos.str());
    w.Key("values");
    w.StartObject();
    for (auto& [key, v] : r.values) {
        if (!v.set) continue;
        w.Key(key.c_str());
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
