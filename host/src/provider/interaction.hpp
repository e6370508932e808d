// How a provider reaches a person: notices, prompts, a browser. Only `login`
// is interactive; everywhere else a provider that needs a person is told so
// and the command exits 3 with the login command to run.
#pragma once

#include <atomic>
#include <optional>
#include <string>

namespace latchkey::provider {

class Interaction {
 public:
    virtual ~Interaction() = default;
    virtual bool interactive() const = 0;
    virtual void notice(const std::string& text) = 0;
    virtual std::optional<std::string> prompt(const std::string& question, bool secret) = 0;
    virtual bool open_url(const std::string& url) = 0;
    // A status line that replaces the previous one (a countdown); "" clears it.
    virtual void progress(const std::string& line) { (void)line; }
};

// Talks to the person through standard error and standard input. Interactive
// only when asked to be (`latchkey login`); then a prompt reads one line from
// standard input, a terminal or a pipe (a pasted redirect URL, a script).
class TerminalInteraction : public Interaction {
 public:
    explicit TerminalInteraction(bool allowed) : allowed_(allowed) {}
    ~TerminalInteraction() override;
    bool interactive() const override;
    void notice(const std::string& text) override;
    std::optional<std::string> prompt(const std::string& question, bool secret) override;
    // $BROWSER when set (run with the URL as its only argument); else xdg-open,
    // only in a graphical session.
    bool open_url(const std::string& url) override;
    void progress(const std::string& line) override;

 private:
    void clear_progress();

    bool allowed_;
    bool progress_shown_ = false;
};

// Set by the command line's SIGINT handler; host sleeps return early.
std::atomic<bool>& cancelled();

}  // namespace latchkey::provider
