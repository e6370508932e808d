// `latchkey curl [OPTIONS] URL`: one authenticated HTTP request (curl_args.hpp
// lists the options). The request itself, and the retry after a 401, are
// the library's (admin::Admin::call); this file only parses the command and
// writes the answer where curl would.
#include <cstdio>
#include <iostream>
#include <latchkey/common/text.hpp>
#include <memory>

#include "command.hpp"
#include "curl_args.hpp"

namespace latchkey::cli {

namespace {

constexpr int kCurlFailExit = 22;  // curl's exit code for --fail

int curl_request(Context& ctx) {
    CurlArgs a = parse_curl_args(ctx.args);
    if (a.help) {
        std::cout << "usage: latchkey [global options] " << kCurlHelp << std::endl;
        return 0;
    }
    auto& admin = ctx.admin();
    const std::string site = admin.selected_site();
    admin::HttpCall call;
    call.method = a.method;
    call.url = a.url;
    call.headers = a.headers;
    call.body = a.body;
    call.plain_http_anywhere = a.plain_http;
    // Form data gets curl's default type unless the caller chose one.
    bool has_type = false;
    for (auto& h : a.headers) has_type = has_type || common::istarts_with(h, "content-type:");
    if (a.body && !has_type)
        call.headers.push_back("Content-Type: application/x-www-form-urlencoded");

    std::FILE* out = stdout;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
    bool failed = false, write_error = false;
    size_t size = 0;
    call.on_head = [&](long status, const std::vector<std::string>& lines) {
        failed = status >= 400 && (a.fail || a.fail_with_body);
        if (failed && a.fail) return;  // as curl: nothing written, no file made
        if (!a.output.empty()) {
            file.reset(std::fopen(a.output.c_str(), "wb"));
            if (!file) {
                write_error = true;
                return;
            }
            out = file.get();
        }
        if (!a.include) return;
        for (auto& l : lines) std::fprintf(out, "%s\r\n", l.c_str());
        std::fputs("\r\n", out);
    };
    call.on_body = [&](std::string_view chunk) {
        if (write_error) return false;
        size += chunk.size();
        if (failed && a.fail) return true;
        if (std::fwrite(chunk.data(), 1, chunk.size(), out) != chunk.size()) write_error = true;
        return !write_error;
    };
    admin::HttpCallResult r = admin.call(site, call);
    if (r.retried && ctx.host_options.log_level <= LogLevel::info)
        std::cerr << "latchkey: site '" << site
                  << "': the server refused the credential (401); sent again with a new one"
                  << std::endl;
    if (!a.write_out.empty())
        std::fputs(expand_write_out(a.write_out, r.status, size, a.url).c_str(), stdout);
    if (file && std::fclose(file.release()) != 0) write_error = true;
    std::fflush(stdout);
    if (write_error)
        throw Error(ErrorKind::internal,
                    "curl: cannot write the answer to " +
                        (a.output.empty() ? std::string("standard output") : a.output));
    if (failed) {
        std::cerr << "latchkey: curl: the server answered " << r.status << std::endl;
        return kCurlFailExit;
    }
    return 0;
}

}  // namespace

Command curl_command() {
    return {"curl", "send one HTTP request with the site's credential (retried once after a 401)",
            curl_request};
}

}  // namespace latchkey::cli
