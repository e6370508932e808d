// A dev server with fast device polling, an oauth2-device-code site for its
// public client, and the ways a person answers: a $BROWSER script that opens
// the verification page (which approves at once with auto_consent), or a
// thread that approves, denies or slows down through the admin API.
#pragma once

#include <functional>
#include <string>
#include <thread>

#include "oauth_fixture.hpp"

namespace latchkey::itest {

inline const std::string kDeviceClient = "device-app";

class DeviceTest : public OAuthTest {
 protected:
    // Starts the dev server (polling every 0.2 s) with `extra` flags and
    // writes a policy with the site `dev` (plus `extra_site` lines).
    void start_device(const std::vector<std::string>& extra = {},
                      const std::string& extra_site = "");
    std::string device_site(const std::string& extra = "") const;

    // A $BROWSER script that fetches the URL it is given, as a browser would.
    std::string browser_script();

    // Runs `fn(user_code)` on another thread once a device request is
    // pending (bounded wait); joined by join_person() or the destructor.
    void when_pending(std::function<void(const std::string& user_code)> fn);
    void join_person();
    ~DeviceTest() override;

    // `latchkey login`, approved through the admin API; it must succeed.
    void login_approved();

    // POST /admin/device/ACTION with a JSON body.
    void admin_device(const std::string& action, const std::string& json);

    int device_grants() {
        return client_stat(kDeviceClient, "grants", "urn:ietf:params:oauth:grant-type:device_code");
    }
    int refresh_grants() { return client_stat(kDeviceClient, "grants", "refresh_token"); }

 private:
    std::thread person_;
};

}  // namespace latchkey::itest
