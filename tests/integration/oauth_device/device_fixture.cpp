#include "device_fixture.hpp"

#include <chrono>

namespace latchkey::itest {

void DeviceTest::start_device(const std::vector<std::string>& extra,
                              const std::string& extra_site) {
    std::vector<std::string> args{"--client", kDeviceClient + ":", "--setting",
                                  "device_interval=0.2"};
    args.insert(args.end(), extra.begin(), extra.end());
    start(args);
    write_policy(device_site(extra_site));
}

std::string DeviceTest::device_site(const std::string& extra) const {
    return site(
        "dev", "oauth2-device-code",
        "issuer = \"" + server_->url() + "\"\nclient_id = \"" + kDeviceClient + "\"\n" + extra);
}

std::string DeviceTest::browser_script() {
    return sandbox_.write("browser.sh",
                          "#!/bin/sh\n"
                          "# A browser that loads the page it is given.\n"
                          "exec curl -s -o /dev/null --max-time 10 \"$1\"\n",
                          0700);
}

void DeviceTest::when_pending(std::function<void(const std::string&)> fn) {
    const std::string list = server_->url() + "/admin/device";
    person_ = std::thread([list, fn = std::move(fn)] {
        for (int i = 0; i < 200; ++i) {  // 20 s at most
            auto r = test::http_get(list);
            rapidjson::Document d;
            d.Parse(r.body.c_str());
            if (!d.HasParseError() && d.IsObject() && d.HasMember("pending") &&
                d["pending"].IsArray() && !d["pending"].Empty()) {
                fn(d["pending"][0]["user_code"].GetString());
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
}

void DeviceTest::join_person() {
    if (person_.joinable()) person_.join();
}

DeviceTest::~DeviceTest() { join_person(); }

void DeviceTest::login_approved() {
    when_pending([&](const std::string& code) {
        admin_device("approve", "{\"user_code\": \"" + code + "\"}");
    });
    auto r = lk({"login"});
    join_person();
    ASSERT_EQ(r.exit_code, 0) << r.err;
}

void DeviceTest::admin_device(const std::string& action, const std::string& json) {
    auto r = test::http_post_json(server_->url() + "/admin/device/" + action, json);
    EXPECT_EQ(r.status, 200) << action << ": " << r.body;
}

}  // namespace latchkey::itest
