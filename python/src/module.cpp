// latchkey._latchkey: the Python extension over liblatchkey's C API
// (latchkey/latchkey.h). It is deliberately thin: one Handle class whose
// methods are the C functions, the GIL released around every call that may
// wait (a fetch, a login), and every failure raised as the exception class
// latchkey._errors.from_c() chooses. The Pythonic surface (Host, the auth
// classes, fork handling) is written in Python on top of it.
#include <latchkey/latchkey.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

// A failed C call, carried to the exception translator below.
struct CError {
    latchkey_error_kind kind = LATCHKEY_ERROR_INTERNAL;
    std::string message;
    std::optional<std::string> file;
    uint32_t line = 0;
    uint32_t column = 0;
    std::optional<std::string> command;
};

// Calls `fn(&error)`; on failure takes what the error holds and throws it.
template <class Fn>
void checked(Fn&& fn) {
    latchkey_error error = LATCHKEY_ERROR_INIT;
    latchkey_error_kind kind = fn(&error);
    if (kind == LATCHKEY_ERROR_NONE) return;
    CError e;
    e.kind = kind;
    e.message = error.message ? error.message : latchkey_error_kind_name(kind);
    if (error.file) e.file = error.file;
    e.line = error.line;
    e.column = error.column;
    if (error.command) e.command = error.command;
    latchkey_error_clear(&error);
    throw e;
}

// A token handed out by the C API, released however the scope ends.
struct Token {
    latchkey_token t = LATCHKEY_TOKEN_INIT;
    Token() = default;
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    ~Token() { latchkey_token_release(&t); }
};

const char* c_str(const std::string& s) { return s.c_str(); }

std::vector<const char*> null_terminated(const std::vector<std::string>& items) {
    std::vector<const char*> out;
    for (auto& s : items) out.push_back(s.c_str());
    out.push_back(nullptr);
    return out;
}

// One open latchkey_handle. Every call holds its own reference to the
// handle, so close() from another thread never frees it under a call in
// progress: the last reference closes it.
class Handle {
 public:
    Handle(std::optional<std::string> config, std::optional<std::string> site,
           std::vector<std::string> sets, std::vector<std::string> plugin_dirs,
           std::optional<std::string> storage, bool interactive,
           std::optional<std::string> log_level, bool work_alone) {
        latchkey_open_options o = LATCHKEY_OPEN_OPTIONS_INIT;
        auto set_list = null_terminated(sets);
        auto dir_list = null_terminated(plugin_dirs);
        o.config_path = config ? c_str(*config) : nullptr;
        o.site = site ? c_str(*site) : nullptr;
        o.sets = set_list.data();
        o.plugin_dirs = dir_list.data();
        o.storage = storage ? c_str(*storage) : nullptr;
        o.interactive = interactive ? 1 : 0;
        o.log_level = log_level ? c_str(*log_level) : nullptr;
        o.work_alone = work_alone ? 1 : 0;
        latchkey_handle* h = nullptr;
        {
            py::gil_scoped_release unlocked;
            checked([&](latchkey_error* e) { return latchkey_open(&o, &h, e); });
        }
        handle_.reset(h, latchkey_close);
    }

    // The hot path: the token alone.
    py::str token(const std::string& site, int64_t min_valid_ms) {
        Token t;
        get(site, min_valid_ms, t);
        return py::str(t.t.token);
    }

    // (token, token_type, header_name, header_value, expires_at_ms,
    //  obtained_at_ms, extras, agent_socket): what latchkey.Credential is
    //  built from.
    py::tuple credential(const std::string& site, int64_t min_valid_ms) {
        Token t;
        get(site, min_valid_ms, t);
        return as_tuple(t.t);
    }

    py::tuple login(const std::string& site, bool force) {
        auto h = live();
        Token t;
        {
            py::gil_scoped_release unlocked;
            checked([&](latchkey_error* e) {
                return latchkey_login(h.get(), site.c_str(), force ? 1 : 0, &t.t, e);
            });
        }
        return as_tuple(t.t);
    }

    void invalidate(const std::string& site, std::optional<std::string> refused) {
        auto h = live();
        py::gil_scoped_release unlocked;
        checked([&](latchkey_error* e) {
            return latchkey_invalidate(h.get(), site.c_str(), refused ? refused->c_str() : nullptr,
                                       e);
        });
    }

    std::vector<std::string> sites() {
        auto h = live();
        char** names = nullptr;
        checked([&](latchkey_error* e) { return latchkey_sites(h.get(), &names, e); });
        std::vector<std::string> out;
        for (char** p = names; p && *p; ++p) out.emplace_back(*p);
        latchkey_strings_free(names);
        return out;
    }

    std::string selected_site() {
        auto h = live();
        char* name = nullptr;
        checked([&](latchkey_error* e) { return latchkey_selected_site(h.get(), &name, e); });
        std::string out(name);
        latchkey_string_free(name);
        return out;
    }

    std::string site_provider(const std::string& site) {
        auto h = live();
        char* name = nullptr;
        checked([&](latchkey_error* e) {
            return latchkey_site_provider(h.get(), site.c_str(), &name, e);
        });
        std::string out(name);
        latchkey_string_free(name);
        return out;
    }

    // In a child after fork() this releases nothing of the parent's host:
    // latchkey_close() leaves it alone there (see latchkey.h).
    void close() { handle_.reset(); }
    bool closed() const { return !handle_; }

 private:
    std::shared_ptr<latchkey_handle> live() const {
        auto h = handle_;
        if (!h) {
            CError e;
            e.kind = LATCHKEY_ERROR_USAGE;
            e.message = "this latchkey.Host is closed; open a new one";
            throw e;
        }
        return h;
    }

    void get(const std::string& site, int64_t min_valid_ms, Token& t) const {
        auto h = live();
        py::gil_scoped_release unlocked;
        checked([&](latchkey_error* e) {
            return latchkey_get_token(h.get(), site.c_str(), min_valid_ms, &t.t, e);
        });
    }

    static py::tuple as_tuple(const latchkey_token& t) {
        py::dict extras;
        for (size_t i = 0; i < t.extra_count; ++i)
            extras[py::str(t.extra_keys[i])] = py::str(t.extra_values[i]);
        py::object agent_socket = py::none();
        if (t.agent_socket) agent_socket = py::str(t.agent_socket);
        return py::make_tuple(py::str(t.token), py::str(t.token_type), py::str(t.header_name),
                              py::str(t.header_value), t.expires_at_ms, t.obtained_at_ms, extras,
                              agent_socket);
    }

    std::shared_ptr<latchkey_handle> handle_;
};

}  // namespace

PYBIND11_MODULE(_latchkey, m) {
    m.doc() = "latchkey's C API for Python; use the `latchkey` package instead.";
    // Each failure becomes the exception latchkey._errors.from_c() builds
    // (LoginRequired with its command, ConfigError with its position, ...).
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const CError& e) {
            py::object from_c = py::module_::import("latchkey._errors").attr("from_c");
            py::object exc = from_c(latchkey_error_kind_name(e.kind), e.message, e.file, e.line,
                                    e.column, e.command);
            PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
        }
    });
    py::class_<Handle>(m, "Handle")
        .def(py::init<std::optional<std::string>, std::optional<std::string>,
                      std::vector<std::string>, std::vector<std::string>,
                      std::optional<std::string>, bool, std::optional<std::string>, bool>(),
             py::arg("config"), py::arg("site"), py::arg("sets"), py::arg("plugin_dirs"),
             py::arg("storage"), py::arg("interactive"), py::arg("log_level"),
             py::arg("work_alone"))
        .def("token", &Handle::token)
        .def("credential", &Handle::credential)
        .def("login", &Handle::login)
        .def("invalidate", &Handle::invalidate)
        .def("sites", &Handle::sites)
        .def("selected_site", &Handle::selected_site)
        .def("site_provider", &Handle::site_provider)
        .def("close", &Handle::close)
        .def_property_readonly("closed", &Handle::closed);
    m.def("version", [] { return std::string(latchkey_version()); });
}
