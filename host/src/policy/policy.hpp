// The policy file as parsed: which sites exist, host and storage settings,
// defaults. Values stay TOML nodes (with their positions) until a site is
// resolved against its provider's schema.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "policy/source.hpp"
#include "util/toml.hpp"

namespace latchkey::policy {

// "string", "integer", "array", ... for error messages.
std::string type_of(const toml::node& node);

// encryption_key, previous_encryption_keys: [storage] keys that are not
// backend tables even when written as { secret = ... }.
bool is_storage_sealing_key(const std::string& key);

struct SiteTable {
    std::string name;
    const toml::table* table = nullptr;
    SourcePos pos;
};

class Policy {
 public:
    // Parses and checks the file's structure. Throws a config error naming
    // file:line:column on malformed TOML or an unknown top-level key.
    static Policy load(const std::string& path);
    // No file: no sites, every setting at its default.
    static Policy none(const std::string& would_be_path);

    const std::string& path() const { return path_; }
    bool exists() const { return exists_; }

    std::optional<std::string> default_site;
    SourcePos default_site_pos;
    std::vector<std::string> plugin_dirs;
    bool dotenv = false;
    std::string storage_backend;  // "" = the caller's default
    SourcePos storage_backend_pos;
    std::optional<std::string> storage_path;
    const toml::table* storage_table = nullptr;  // for [storage.BACKEND] option tables
    const toml::table* defaults = nullptr;
    std::vector<SiteTable> sites;

    const SiteTable* find_site(const std::string& name) const;
    SourcePos pos_of(const toml::node& node) const;
    SourcePos pos_of(const toml::key& key) const;

 private:
    std::string path_;
    bool exists_ = false;
    std::shared_ptr<toml::table> doc_;  // owns every node the fields point at
};

}  // namespace latchkey::policy
