// The HTTP request a browser (or anything else on this machine) sends to the
// oauth2-auth-code loopback listener, read by cpp-httplib with the
// listener's limits and answered as the listener answers it: the request
// path compared, the query judged, the page written.
#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "callback.hpp"
#include "callback_page.hpp"

namespace {

using namespace latchkey::auth_code;

// One connection whose client sent the fuzz input and then closed its side.
class InputStream : public httplib::Stream {
 public:
    InputStream(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    bool is_readable() const override { return true; }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        size_t n = std::min(size, size_ - pos_);
        std::memcpy(ptr, data_ + pos_, n);
        pos_ += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 50000;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 8400;
    }
    socket_t socket() const override { return INVALID_SOCKET; }

 private:
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
};

// The listener's server settings (loopback_listener.cpp), fed one stream.
class Listener : public httplib::Server {
 public:
    Listener() {
        set_keep_alive_max_count(1);
        set_payload_max_length(64 * 1024);
        Get(".*", [](const httplib::Request& req, httplib::Response& res) {
            if (req.path != "/callback") {
                res.status = 404;
                res.set_content(not_found_page(), "text/html; charset=utf-8");
                return;
            }
            CallbackAnswer answer =
                evaluate_callback(req.params, {"st4te-0123456789", "https://issuer.example"});
            res.status = answer.kind == CallbackAnswer::Kind::code ? 200 : 400;
            res.set_content(answer_page(answer), "text/html; charset=utf-8");
        });
    }
    void serve(InputStream& stream) {
        bool closed = false;
        process_request(stream, true, closed, nullptr);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Listener listener;
    InputStream stream(data, size);
    listener.serve(stream);
    return 0;
}
