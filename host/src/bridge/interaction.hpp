// How a provider reaches a person: notices, prompts, a browser. Only `login`
// is interactive; everywhere else a provider that needs a person is told so
// and the command exits 3 with the login command to run.
#pragma once

#include <atomic>
#include <optional>
#include <string>

namespace latchkey::bridge {

class Interaction {
 public:
    virtual ~Interaction() = default;
    virtual bool interactive() const = 0;
    virtual void notice(const std::string& text) = 0;
    virtual std::optional<std::string> prompt(const std::string& question, bool secret) = 0;
    virtual bool open_url(const std::string& url) = 0;
};

// Talks to the terminal (standard error and /dev/tty); interactive only when
// asked to be and a terminal is attached.
class TerminalInteraction : public Interaction {
 public:
    explicit TerminalInteraction(bool allowed) : allowed_(allowed) {}
    bool interactive() const override;
    void notice(const std::string& text) override;
    std::optional<std::string> prompt(const std::string& question, bool secret) override;
    bool open_url(const std::string& url) override;

 private:
    bool allowed_;
};

// Set by the command line's SIGINT handler; host sleeps return early.
std::atomic<bool>& cancelled();

}  // namespace latchkey::bridge
