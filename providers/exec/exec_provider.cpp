// The exec provider: a custom auth scheme without compiling anything. It runs
// an external program (an argv array, no shell) and reads the credential it
// prints: a Kubernetes ExecCredential, an AWS credential_process answer, or
// latchkey's own {"token": ...} (see credential_output.hpp).
//
// No refresh(): running the program again is the refresh, and the host does
// that through acquire. No expired(): the expiry the program printed decides;
// a credential without one is kept until `latchkey logout` (like kubectl,
// which keeps such a token until the server refuses it).
//
// Failures are never retried by the host (none is TRANSIENT): a program that
// hangs would otherwise be waited for several times over. A program that
// wants retries does them itself.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <latchkey/common/text.hpp>
#include <latchkey/provider.hpp>
#include <string>
#include <vector>

#include "credential_output.hpp"
#include "program_env.hpp"
#include "run_program.hpp"

namespace {

using namespace latchkey;
using exec::RunOutcome;

constexpr unsigned kIdentity = LATCHKEY_OPTF_IDENTITY;
// Error text quoted from the program's standard error, at most.
constexpr size_t kStderrShown = 1000;

const latchkey_option kOptions[] = {
    {"command", LATCHKEY_OPT_LIST, LATCHKEY_OPTF_REQUIRED | kIdentity, nullptr,
     "the program and its arguments, e.g. [\"/usr/local/bin/get-token\", \"--audience\", "
     "\"api\"]; run directly, no shell; a name without '/' is looked up on PATH"},
    // The host's own `timeout`, with a longer default: a credential helper may
    // have to start a runtime or reach a cloud metadata service.
    {"timeout", LATCHKEY_OPT_DURATION, 0, "30s",
     "how long one run of the program may take before it is stopped"},
    {"env", LATCHKEY_OPT_LIST, kIdentity, nullptr,
     "extra environment variables for the program, as \"NAME=value\" entries"},
    {"secret_env", LATCHKEY_OPT_LIST, LATCHKEY_OPTF_SECRET, nullptr,
     "environment variables whose values are secrets, \"NAME=value\"; never shown, redacted "
     "from every message"},
    {"pass_env", LATCHKEY_OPT_LIST, kIdentity, nullptr,
     "names of variables copied from latchkey's own environment (the program otherwise gets "
     "only PATH, HOME, USER, LOGNAME, LANG, LANGUAGE, LC_*, TZ, TMPDIR and the proxy "
     "variables)"},
    {"interactive", LATCHKEY_OPT_BOOL, 0, "false",
     "the program may need a person: during `latchkey login` it shares the terminal (standard "
     "input and error); elsewhere its standard input is closed and a failure asks for a login"},
    {"login_timeout", LATCHKEY_OPT_DURATION, 0, "5m",
     "how long an interactive run during `latchkey login` may take"},
    {"aws_token", LATCHKEY_OPT_STRING, kIdentity, "credential_process",
     "for AWS credential_process output, what the token is: credential_process (the JSON "
     "itself), session_token or secret_access_key"},
    {},
};

exec::AwsToken read_aws_token(const sdk::Host& host) {
    std::string v = host.option_or("aws_token", "credential_process");
    if (v == "credential_process") return exec::AwsToken::credential_process;
    if (v == "session_token") return exec::AwsToken::session_token;
    if (v == "secret_access_key") return exec::AwsToken::secret_access_key;
    throw sdk::config_error("option 'aws_token' is \"" + v +
                            "\"; use credential_process, session_token or secret_access_key");
}

// KUBERNETES_EXEC_INFO, as kubectl sets it for client.authentication.k8s.io/v1.
std::string exec_info(bool interactive) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("apiVersion");
    w.String("client.authentication.k8s.io/v1");
    w.Key("kind");
    w.String("ExecCredential");
    w.Key("spec");
    w.StartObject();
    w.Key("interactive");
    w.Bool(interactive);
    w.EndObject();
    w.EndObject();
    return buf.GetString();
}

// The tail of the program's standard error, on one line, for a message. It
// is cut only at whitespace, so a secret in it is either whole (and then
// redacted by the host) or absent, never half shown.
std::string stderr_excerpt(const RunOutcome& r) {
    std::string text(common::trim(r.err));
    bool cut = r.err_truncated;
    if (text.size() > kStderrShown) {
        text.erase(0, text.size() - kStderrShown);
        cut = true;
    }
    if (cut) {
        size_t space = text.find_first_of(" \t\r\n");
        text = space == std::string::npos ? "" : text.substr(space);
    }
    std::string line;
    bool gap = false;
    for (char c : text) {
        if (common::is_space(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            gap = !line.empty();
            continue;
        }
        if (gap) line += ' ';
        gap = false;
        line += c;
    }
    if (cut) line = "... " + line;
    return line;
}

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

class ExecProvider {
 public:
    explicit ExecProvider(sdk::Host& host)
        : host_(host),
          command_(host.list("command")),
          interactive_(host.flag("interactive", false)),
          aws_token_(read_aws_token(host)) {
        if (command_.empty() || command_.front().empty())
            throw sdk::config_error("option 'command' must name a program");
        // Durations arrive as whole seconds; a run gets at least one.
        timeout_ms_ = std::max<int64_t>(1, host.integer("timeout", 30)) * 1000;
        login_timeout_ms_ = std::max<int64_t>(1, host.integer("login_timeout", 300)) * 1000;
        env_.env = host.list("env");
        env_.secret_env = host.list("secret_env");
        env_.pass_env = host.list("pass_env");
        // The host redacts the option as written; the values alone may show up
        // in the program's messages.
        for (auto& entry : env_.secret_env) {
            auto eq = entry.find('=');
            if (eq != std::string::npos) host.add_secret(entry.substr(eq + 1));
        }
        try {
            exec::build_environment(env_);  // a malformed entry is a policy error now
        } catch (const std::invalid_argument& e) {
            throw sdk::config_error(e.what());
        }
    }

    sdk::Credential acquire() {
        const bool with_person = interactive_ && host_.interactive();
        exec::EnvSettings settings = env_;
        settings.interactive = with_person;
        settings.exec_info = exec_info(with_person);
        exec::RunSpec spec;
        spec.argv = command_;
        spec.env = exec::build_environment(settings);
        spec.interactive = with_person;
        spec.timeout_ms = with_person ? login_timeout_ms_ : timeout_ms_;
        // sleep_ms(0) reports a Ctrl-C without sleeping.
        spec.cancelled = [this] { return !host_.sleep_ms(0); };
        try {
            spec.path = exec::resolve_program(command_.front(), exec::lookup(spec.env, "PATH"));
        } catch (const exec::StartError& e) {
            throw sdk::config_error(e.what());
        }

        RunOutcome r;
        try {
            r = exec::run_program(spec);
        } catch (const exec::StartError& e) {
            throw sdk::config_error(e.what());
        }
        // Whatever the run's fate, a token it printed is never shown.
        for (auto& s : exec::secrets_in(r.out)) host_.add_secret(s);
        return credential_from(spec, r, with_person);
    }

 private:
    sdk::Credential credential_from(const exec::RunSpec& spec, const RunOutcome& r,
                                    bool with_person) {
        const std::string program = "program " + spec.path;
        std::string said = stderr_excerpt(r);
        std::string wrote = said.empty() ? "" : ": " + said;
        switch (r.end) {
            case RunOutcome::End::timed_out:
                throw sdk::internal_error(
                    program + " timed out after " + std::to_string(spec.timeout_ms / 1000) +
                    "s and was stopped " +
                    (r.needed_sigkill ? "with SIGKILL (it ignored SIGTERM)" : "with SIGTERM") +
                    wrote + "; raise the site's `" + (with_person ? "login_timeout" : "timeout") +
                    "` if it needs longer");
            case RunOutcome::End::too_much_output:
                throw sdk::internal_error(program +
                                          " printed more than 1 MiB on standard output; refused "
                                          "(a credential is far smaller)");
            case RunOutcome::End::cancelled:
                throw sdk::internal_error(program + " was stopped: interrupted");
            case RunOutcome::End::signalled:
                throw failed(program + " was killed by " + signal_name(r.signal) + wrote,
                             with_person);
            case RunOutcome::End::exited:
                break;
        }
        if (r.exit_code != 0)
            throw failed(program + " exited with status " + std::to_string(r.exit_code) +
                             (said.empty() ? " and wrote nothing on standard error" : wrote),
                         with_person);
        exec::ParsedOutput parsed;
        try {
            parsed = exec::parse_output(host_, r.out, aws_token_);
        } catch (const exec::FormatError& e) {
            throw sdk::internal_error(program + " succeeded but " + e.what() + "; expected " +
                                      exec::kAcceptedFormats);
        }
        sdk::Credential& c = parsed.credential;
        if (c.expires_at_ms && c.expires_at_ms <= host_.now_ms())
            throw sdk::rejected(program + " gave a credential (" + parsed.format +
                                ") that expired at " + common::format_utc(c.expires_at_ms / 1000));
        host_.debug(program + " gave a credential (" + parsed.format + ")");
        return std::move(c);
    }

    // A program that failed. One that may need a person and ran without one
    // most likely failed for that reason: `latchkey login` gives it the terminal.
    sdk::Error failed(const std::string& what, bool with_person) const {
        if (interactive_ && !with_person)
            return sdk::interaction_required(what + " (it ran without a terminal)");
        return sdk::rejected(what);
    }

    const sdk::Host& host_;
    std::vector<std::string> command_;
    bool interactive_;
    exec::AwsToken aws_token_;
    int64_t timeout_ms_ = 30'000;
    int64_t login_timeout_ms_ = 300'000;
    exec::EnvSettings env_;
};

}  // namespace

LATCHKEY_PROVIDER(ExecProvider, "exec", "1.0.0",
                  "Runs a program that prints a credential (Kubernetes ExecCredential, AWS "
                  "credential_process, or {\"token\": ...}).",
                  kOptions)
