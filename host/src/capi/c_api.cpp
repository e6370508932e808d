// The C API (latchkey/latchkey.h) over latchkey::Host. Each function checks
// what the caller handed in, then calls the C++ API inside guarded(), so no
// exception crosses the boundary; the hand-out of results lives in
// c_token.cpp, errors in c_error.cpp.
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "capi/c_error.hpp"
#include "capi/c_token.hpp"
#include "capi/handle.hpp"
#include "latchkey/admin.hpp"
#include "latchkey/latchkey.h"

using latchkey::ErrorKind;
using latchkey::capi::fail;
using latchkey::capi::guarded;

namespace {

std::string_view site_of(const char* site) { return site ? std::string_view(site) : ""; }

// NULL, or a handle from before a fork() (see latchkey.h): refused, with
// the reason, before anything inside it is touched.
bool usable(latchkey_handle* handle, latchkey_error* error, latchkey_error_kind& kind) {
    if (!handle) {
        kind = fail(error, ErrorKind::usage, "no latchkey handle (NULL)");
        return false;
    }
    if (handle->opened_in != latchkey::capi::fork_generation()) {
        kind = fail(error, ErrorKind::usage,
                    "this latchkey handle was opened before fork(): the child cannot use it (a "
                    "lock held by the parent's threads may never be released here); open a new "
                    "one in this process");
        return false;
    }
    return true;
}

// The program line for `latchkey login` with the handle's own policy file,
// quoted for a POSIX shell when it needs to be.
std::string program_for(const latchkey_open_options* o) {
    if (!o || !o->config_path) return "latchkey";
    std::string path = o->config_path;
    bool plain = !path.empty() && path.find_first_not_of(
                                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789/._-+=:,@%") == std::string::npos;
    if (!plain) {
        std::string quoted = "'";
        for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
        path = quoted + "'";
    }
    return "latchkey --config " + path;
}

char* copy(const std::string& s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (!out) throw std::bad_alloc();
    std::memcpy(out, s.c_str(), s.size() + 1);
    return out;
}

std::vector<std::string> string_list(const char* const* items) {
    std::vector<std::string> out;
    for (; items && *items; ++items) out.emplace_back(*items);
    return out;
}

latchkey::LogLevel log_level(const char* name) {
    std::string_view n = site_of(name);
    if (n.empty() || n == "warn") return latchkey::LogLevel::warn;
    if (n == "debug") return latchkey::LogLevel::debug;
    if (n == "info") return latchkey::LogLevel::info;
    if (n == "error") return latchkey::LogLevel::error;
    throw latchkey::Error(ErrorKind::usage, "log_level must be debug, info, warn or error, not '" +
                                                std::string(n) + "'");
}

latchkey::HostOptions host_options(const latchkey_open_options* o) {
    latchkey::HostOptions options;
    if (!o) return options;
    if (o->struct_size < LATCHKEY_OPEN_OPTIONS_V1_0_SIZE)
        throw latchkey::Error(ErrorKind::usage,
                              "latchkey_open_options is smaller than its first version: set "
                              "struct_size (LATCHKEY_OPEN_OPTIONS_INIT)");
    if (o->config_path) options.config_path = o->config_path;
    if (o->site) options.site = o->site;
    options.sets = string_list(o->sets);
    options.plugin_dirs = string_list(o->plugin_dirs);
    if (o->storage) options.storage = o->storage;
    options.interactive = o->interactive != 0;
    options.log_level = log_level(o->log_level);
    if (o->struct_size >= LATCHKEY_OPEN_OPTIONS_V1_1_SIZE) options.ask_agent = o->work_alone == 0;
    return options;
}

}  // namespace

extern "C" {

latchkey_error_kind latchkey_open(const latchkey_open_options* options, latchkey_handle** out,
                                  latchkey_error* error) {
    if (!out) return fail(error, ErrorKind::usage, "latchkey_open: `out` is NULL");
    *out = nullptr;
    return guarded(error, {}, [&] {
        auto host = latchkey::Host::open(host_options(options));
        *out = new latchkey_handle{std::move(host), latchkey::capi::fork_generation(),
                                   program_for(options)};
    });
}

void latchkey_close(latchkey_handle* handle) {
    if (!handle) return;
    // In a child after fork() the host's destructor could wait on a lock a
    // thread of the parent held: it is left to the process's exit.
    if (handle->opened_in != latchkey::capi::fork_generation()) return;
    delete handle;
}

latchkey_error_kind latchkey_get_token(latchkey_handle* handle, const char* site,
                                       int64_t min_valid_ms, latchkey_token* out,
                                       latchkey_error* error) {
    latchkey_error_kind kind;
    if (!usable(handle, error, kind)) return kind;
    if (!latchkey::capi::token_struct_ok(out))
        return fail(error, ErrorKind::usage,
                    "latchkey_get_token: `out` is NULL or smaller than its first version (set "
                    "struct_size: LATCHKEY_TOKEN_INIT)");
    out->internal = nullptr;
    if (min_valid_ms < 0)
        return fail(error, ErrorKind::usage, "latchkey_get_token: min_valid_ms is negative");
    return guarded(error, {site_of(site), handle->program}, [&] {
        auto& host = handle->host;
        // Without a minimum, the lock-free read.
        latchkey::capi::hand_out(
            min_valid_ms ? host.token(site_of(site), std::chrono::milliseconds(min_valid_ms))
                         : host.token(site_of(site)),
            out);
    });
}

latchkey_error_kind latchkey_invalidate(latchkey_handle* handle, const char* site,
                                        const char* refused_token, latchkey_error* error) {
    latchkey_error_kind kind;
    if (!usable(handle, error, kind)) return kind;
    return guarded(error, {site_of(site), handle->program}, [&] {
        if (refused_token)
            handle->host.invalidate(site_of(site), std::string_view(refused_token));
        else
            handle->host.invalidate(site_of(site));
    });
}

latchkey_error_kind latchkey_login(latchkey_handle* handle, const char* site, int force,
                                   latchkey_token* out, latchkey_error* error) {
    latchkey_error_kind kind;
    if (!usable(handle, error, kind)) return kind;
    if (!latchkey::capi::token_struct_ok(out))
        return fail(error, ErrorKind::usage,
                    "latchkey_login: `out` is NULL or smaller than its first version (set "
                    "struct_size: LATCHKEY_TOKEN_INIT)");
    out->internal = nullptr;
    return guarded(error, {site_of(site), handle->program}, [&] {
        auto admin = latchkey::admin::Admin::of(handle->host);
        latchkey::capi::hand_out(admin.login(std::string(site_of(site)), force != 0), out);
    });
}

latchkey_error_kind latchkey_sites(latchkey_handle* handle, char*** names, latchkey_error* error) {
    latchkey_error_kind kind;
    if (!usable(handle, error, kind)) return kind;
    if (!names) return fail(error, ErrorKind::usage, "latchkey_sites: `names` is NULL");
    *names = nullptr;
    return guarded(error, {}, [&] {
        auto list = handle->host.sites();
        auto** out = static_cast<char**>(std::calloc(list.size() + 1, sizeof(char*)));
        if (!out) throw std::bad_alloc();
        try {
            for (size_t i = 0; i < list.size(); ++i) out[i] = copy(list[i]);
        } catch (...) {
            latchkey_strings_free(out);
            throw;
        }
        *names = out;
    });
}

latchkey_error_kind latchkey_selected_site(latchkey_handle* handle, char** name,
                                           latchkey_error* error) {
    latchkey_error_kind kind;
    if (!usable(handle, error, kind)) return kind;
    if (!name) return fail(error, ErrorKind::usage, "latchkey_selected_site: `name` is NULL");
    *name = nullptr;
    return guarded(error, {}, [&] { *name = copy(handle->host.selected_site()); });
}

latchkey_error_kind latchkey_site_provider(latchkey_handle* handle, const char* site,
                                           char** provider, latchkey_error* error) {
    latchkey_error_kind kind;
    if (!usable(handle, error, kind)) return kind;
    if (!provider)
        return fail(error, ErrorKind::usage, "latchkey_site_provider: `provider` is NULL");
    *provider = nullptr;
    return guarded(error, {site_of(site), handle->program}, [&] {
        auto admin = latchkey::admin::Admin::of(handle->host);
        std::string name(site_of(site));
        *provider = copy(admin.provider_of(name.empty() ? handle->host.selected_site() : name));
    });
}

void latchkey_string_free(char* s) { std::free(s); }

void latchkey_strings_free(char** strings) {
    if (!strings) return;
    for (char** p = strings; *p; ++p) std::free(*p);
    std::free(strings);
}

const char* latchkey_version(void) { return LATCHKEY_VERSION; }

}  // extern "C"
