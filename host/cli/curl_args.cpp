#include "curl_args.hpp"

#include <fstream>
#include <iostream>
#include <iterator>
#include <latchkey/error.hpp>
#include <sstream>

namespace latchkey::cli {

const char* const kCurlHelp =
    "curl [OPTIONS] URL\n\n"
    "One HTTP request with the site's credential (and its extra_headers); on a 401 the\n"
    "credential is invalidated, a new one fetched and the request sent once more.\n\n"
    "  -X, --request METHOD     the method (default GET, or POST with data)\n"
    "  -H, --header 'N: V'      a header of your own (repeatable)\n"
    "  -d, --data DATA          form data; @FILE reads it without line breaks, @- standard input\n"
    "      --data-binary DATA   data as is; @FILE and @- read bytes unchanged\n"
    "      --data-raw DATA      data as is, no @ reading\n"
    "  -o, --output FILE        write the body to FILE\n"
    "  -i, --include            print the answer's status line and headers first\n"
    "  -f, --fail               a status of 400 or more: no output, exit 22\n"
    "      --fail-with-body     a status of 400 or more: the body, then exit 22\n"
    "  -w, --write-out FORMAT   after the body: %{http_code}, %{size_download},\n"
    "                           %{url_effective}, \\n\n"
    "  -s, --silent, -S, --show-error   accepted; latchkey shows no progress meter\n"
    "      --plain-http         allow plain http to another machine (the credential\n"
    "                           travels unencrypted)\n\n"
    "Redirects are not followed: the credential goes to URL only.\n"
    "Exit codes: 0 an answer came, 22 with --fail as above, 1 no answer, 2 usage,\n"
    "3 login required.";

namespace {

[[noreturn]] void usage(const std::string& what) {
    throw Error(ErrorKind::usage, "curl: " + what + " (see `latchkey curl --help`)");
}

std::string read_data(const std::string& name, bool binary) {
    std::string text;
    if (name == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        std::ifstream in(name, std::ios::binary);
        if (!in) usage("cannot read " + name);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    if (!binary)  // as curl's -d @FILE: line breaks are not part of the data
        std::erase_if(text, [](char c) { return c == '\r' || c == '\n'; });
    return text;
}

void add_data(CurlArgs& out, const std::string& value, bool binary, bool raw) {
    std::string data =
        (!raw && !value.empty() && value[0] == '@') ? read_data(value.substr(1), binary) : value;
    out.body = out.body ? *out.body + "&" + data : data;
}

}  // namespace

CurlArgs parse_curl_args(const std::vector<std::string>& words) {
    CurlArgs out;
    // Options that take a value, long and short.
    auto takes_value = [](const std::string& name) {
        for (const char* n : {"-X", "--request", "-H", "--header", "-d", "--data", "--data-binary",
                              "--data-raw", "-o", "--output", "-w", "--write-out"})
            if (name == n) return true;
        return false;
    };
    auto apply = [&](const std::string& name, const std::string& value) {
        if (name == "-X" || name == "--request") {
            out.method = value;
        } else if (name == "-H" || name == "--header") {
            if (value.find(':') == std::string::npos)
                usage("-H '" + value + "': expected 'Name: value'");
            out.headers.push_back(value);
        } else if (name == "-d" || name == "--data") {
            add_data(out, value, false, false);
        } else if (name == "--data-binary") {
            add_data(out, value, true, false);
        } else if (name == "--data-raw") {
            add_data(out, value, true, true);
        } else if (name == "-o" || name == "--output") {
            out.output = value;
        } else if (name == "-w" || name == "--write-out") {
            out.write_out = value;
        } else if (name == "-i" || name == "--include") {
            out.include = true;
        } else if (name == "-f" || name == "--fail") {
            out.fail = true;
        } else if (name == "--fail-with-body") {
            out.fail_with_body = true;
        } else if (name == "-s" || name == "--silent" || name == "-S" || name == "--show-error") {
        } else if (name == "--plain-http") {
            out.plain_http = true;
        } else if (name == "-h" || name == "--help") {
            out.help = true;
        } else if (name == "-L" || name == "--location") {
            usage(name +
                  ": redirects are not followed, so that the credential goes to the URL "
                  "given and nowhere else");
        } else if (name == "-v" || name == "--verbose") {
            usage(name + ": it would print the credential; use -i to see the answer's headers");
        } else {
            usage("option " + name + " is not supported");
        }
    };
    bool options_done = false;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& w = words[i];
        if (options_done || w.size() < 2 || w[0] != '-') {
            if (!out.url.empty()) usage("one URL only (" + out.url + ", then " + w + ")");
            out.url = w;
            continue;
        }
        if (w == "--") {
            options_done = true;
            continue;
        }
        auto next = [&](const std::string& name) -> std::string {
            if (i + 1 >= words.size()) usage(name + " needs a value");
            return words[++i];
        };
        if (w.rfind("--", 0) == 0) {
            auto eq = w.find('=');
            std::string name = w.substr(0, eq);
            if (takes_value(name))
                apply(name, eq == std::string::npos ? next(name) : w.substr(eq + 1));
            else if (eq != std::string::npos)
                usage(name + " takes no value");
            else
                apply(name, "");
            continue;
        }
        // Short options, combined as curl allows: -sS, -fsS, -XPOST, -sXPOST.
        for (size_t j = 1; j < w.size(); ++j) {
            std::string name = std::string("-") + w[j];
            if (takes_value(name)) {
                apply(name, j + 1 < w.size() ? w.substr(j + 1) : next(name));
                break;
            }
            apply(name, "");
        }
    }
    if (!out.help && out.url.empty()) usage("name the URL: latchkey curl [OPTIONS] URL");
    if (out.fail && out.fail_with_body) usage("--fail and --fail-with-body exclude each other");
    expand_write_out(out.write_out, 0, 0, "");  // an unsupported variable is refused now
    return out;
}

std::string expand_write_out(const std::string& format, long status, size_t size_download,
                             const std::string& url) {
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        char c = format[i];
        if (c == '\\' && i + 1 < format.size()) {
            char e = format[++i];
            out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
        } else if (c == '%' && format.compare(i, 2, "%%") == 0) {
            out += '%';
            ++i;
        } else if (c == '%' && format.compare(i, 2, "%{") == 0 &&
                   format.find('}', i) != std::string::npos) {
            size_t end = format.find('}', i);
            std::string var = format.substr(i + 2, end - i - 2);
            if (var == "http_code" || var == "response_code") {
                std::ostringstream code;
                code.width(3);
                code.fill('0');
                code << status;
                out += code.str();
            } else if (var == "size_download") {
                out += std::to_string(size_download);
            } else if (var == "url_effective") {
                out += url;
            } else {
                usage("-w: %{" + var + "} is not supported");
            }
            i = end;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace latchkey::cli
