// Errors raised by liblatchkey. Every message is written for the person who
// has to fix it: what failed, where, and the next step. None holds a secret.
// What a program needs from the message is also kept apart, in fields: the
// policy position a config error points at and the command to run next.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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

// A place in a policy file: 1-based line and column.
struct PolicyPosition {
    std::string file;
    uint32_t line = 0;
    uint32_t column = 0;
};

class Error : public std::runtime_error {
 public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    // An error at a place in the policy (the message names it too).
    Error(ErrorKind kind, const std::string& message, PolicyPosition position)
        : std::runtime_error(message), kind_(kind) {
        auto d = std::make_shared<Details>();
        d->position = std::move(position);
        details_ = std::move(d);
    }
    // `cause` told again with more context: the same kind, position and next command.
    Error(const Error& cause, const std::string& message)
        : std::runtime_error(message), kind_(cause.kind_), details_(cause.details_) {}

    ErrorKind kind() const noexcept { return kind_; }

    // Where in the policy the error is, when it is at one place.
    const PolicyPosition* position() const noexcept {
        return details_ && details_->position ? &*details_->position : nullptr;
    }

    // The command a person runs next, such as "latchkey login --at planet"; "" when none.
    const std::string& next_command() const noexcept {
        static const std::string none;
        return details_ ? details_->next_command : none;
    }
    Error& with_next_command(std::string command) {
        auto d = details_ ? std::make_shared<Details>(*details_) : std::make_shared<Details>();
        d->next_command = std::move(command);
        details_ = std::move(d);
        return *this;
    }

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
    // Shared, so that copying an error (as throwing does) never allocates.
    struct Details {
        std::optional<PolicyPosition> position;
        std::string next_command;
    };
    ErrorKind kind_;
    std::shared_ptr<const Details> details_;
};

const char* to_string(ErrorKind kind) noexcept;

}  // namespace latchkey
