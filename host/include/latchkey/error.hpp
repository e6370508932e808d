// Errors raised by liblatchkey. Every message is written for the person who
// has to fix it: what failed, where, and the next step. None holds a secret.
#pragma once

#include <stdexcept>
#include <string>

namespace latchkey {

enum class ErrorKind {
    usage,           // the command line is wrong
    config,          // the policy is wrong (names file:line:column)
    plugin,          // a provider plugin was refused (names the file)
    rejected,        // the server refused the credentials
    transient,       // network / server trouble that outlasted the retries
    login_required,  // a person must run `latchkey login`
    storage,         // the token store is unusable (permissions, corruption)
    internal,        // a bug or an unexpected answer
};

class Error : public std::runtime_error {
 public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const noexcept { return kind_; }

    // The command-line exit code for this error: 2 usage, 3 login required, else 1.
    int exit_code() const noexcept {
        switch (kind_) {
            case ErrorKind::usage:
                return 2;
            case ErrorKind::login_required:
                return 3;
            default:
                return 1;
        }
    }

 private:
    ErrorKind kind_;
};

const char* to_string(ErrorKind kind) noexcept;

}  // namespace latchkey
