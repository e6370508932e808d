// latchkey_soak: the driver behind tools/soak. One scenario per run:
//
//   latchkey_soak fleet --mode threads|processes [--minutes N] [--workers N]
//                       [--fail-rate F] [--lifetime S] [--pace-ms MS] [--grace-ms MS]
//   latchkey_soak kill --backend file|keyring|redis [--saves N] [--private-bus]
//   latchkey_soak herd [--processes N] [--calls N] [--lifetime S] [--max-minutes N]
//
// Prints its rows of the figures table (Markdown) on standard output, the
// servers' logs and the failure reasons on standard error. Exit 0 when every
// figure meets its goal, 1 when one misses it, 2 for a usage error, 3 when
// the scenario could not run, 130 when Ctrl-C stopped it. Servers listen on 127.0.0.1 only and are
// stopped at the end, also after Ctrl-C.
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <string>

#include "scenarios.hpp"
#include "soak_support.hpp"

namespace {

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr,
                 "latchkey_soak: %s\n"
                 "usage: latchkey_soak fleet --mode threads|processes [--minutes N] [--workers N]\n"
                 "                     [--fail-rate F] [--lifetime S] [--pace-ms MS] [--grace-ms MS]\n"
                 "       latchkey_soak kill --backend file|keyring|redis [--saves N] [--private-bus]\n"
                 "       latchkey_soak herd [--processes N] [--calls N] [--lifetime S] [--max-minutes N]\n",
                 why.c_str());
    std::exit(2);
}

// Calls `on(flag, value)` for each "--flag value" (or bare "--flag", value "").
void each_flag(int argc, char** argv, const std::function<bool(const std::string&,
                                                                const std::function<std::string()>&)>& on) {
    for (int i = 2; i < argc; ++i) {
        const std::string flag = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(flag + " needs a value");
            return argv[++i];
        };
        if (!on(flag, value)) usage("unknown argument '" + flag + "'");
    }
}

int number(const std::string& text, int lo, int hi, const char* what) {
    try {
        size_t used = 0;
        const int v = std::stoi(text, &used);
        if (used == text.size() && v >= lo && v <= hi) return v;
    } catch (const std::exception&) {
    }
    usage(std::string(what) + " must be a whole number from " + std::to_string(lo) + " to " +
          std::to_string(hi) + ", not '" + text + "'");
}

double real(const std::string& text, double lo, double hi, const char* what) {
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v >= lo && v <= hi) return v;
    } catch (const std::exception&) {
    }
    usage(std::string(what) + " must be a number from " + soak::fixed(lo, 2) + " to " +
          soak::fixed(hi, 2) + ", not '" + text + "'");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage("which scenario?");
    const std::string what = argv[1];
    if (what == "save-child") return soak::save_child(argc, argv);
    soak::install_stop_handler();
    try {
        bool ok = false;
        if (what == "fleet") {
            soak::FleetOptions o;
            each_flag(argc, argv, [&](const std::string& f, const auto& v) {
                if (f == "--mode") {
                    o.mode = v();
                    if (o.mode != "threads" && o.mode != "processes")
                        usage("--mode is threads or processes");
                } else if (f == "--minutes")
                    o.minutes = real(v(), 0.05, 24 * 60, "--minutes");
                else if (f == "--workers")
                    o.workers = number(v(), 1, 64, "--workers");
                else if (f == "--fail-rate")
                    o.fail_rate = real(v(), 0, 0.9, "--fail-rate");
                else if (f == "--lifetime")
                    o.lifetime_s = number(v(), 1, 3600, "--lifetime");
                else if (f == "--pace-ms")
                    o.pace_ms = number(v(), 0, 10'000, "--pace-ms");
                else if (f == "--grace-ms")
                    o.grace_ms = number(v(), 0, 1000, "--grace-ms");
                else
                    return false;
                return true;
            });
            if (o.mode.empty()) usage("fleet needs --mode threads|processes");
            ok = soak::run_fleet(o);
        } else if (what == "kill") {
            soak::KillOptions o;
            each_flag(argc, argv, [&](const std::string& f, const auto& v) {
                if (f == "--backend") {
                    o.backend = v();
                    if (o.backend != "file" && o.backend != "keyring" && o.backend != "redis")
                        usage("--backend is file, keyring or redis");
                } else if (f == "--saves")
                    o.saves = number(v(), 1, 100'000, "--saves");
                else if (f == "--private-bus")
                    o.private_bus = true;
                else
                    return false;
                return true;
            });
            if (o.backend.empty()) usage("kill needs --backend file|keyring|redis");
            ok = soak::run_kill(o);
        } else if (what == "herd") {
            soak::HerdOptions o;
            each_flag(argc, argv, [&](const std::string& f, const auto& v) {
                if (f == "--processes")
                    o.processes = number(v(), 2, 256, "--processes");
                else if (f == "--calls")
                    o.calls = number(v(), 1, 100'000, "--calls");
                else if (f == "--lifetime")
                    o.lifetime_s = number(v(), 1, 3600, "--lifetime");
                else if (f == "--max-minutes")
                    o.max_minutes = real(v(), 0.05, 24 * 60, "--max-minutes");
                else
                    return false;
                return true;
            });
            ok = soak::run_herd(o);
        } else {
            usage("unknown scenario '" + what + "'");
        }
        if (soak::stop_requested()) {
            std::fprintf(stderr, "latchkey_soak: stopped early (interrupted); figures are partial\n");
            return 130;
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        // Ctrl-C reaches the children too; what they then fail at is no error.
        if (soak::stop_requested()) {
            std::fprintf(stderr, "latchkey_soak: stopped early (interrupted)\n");
            return 130;
        }
        std::fprintf(stderr, "latchkey_soak %s: %s\n", what.c_str(), e.what());
        return 3;
    }
}
