// Dropping a client connection without answering, for the "reset" fault.
#pragma once

#include <httplib.h>

namespace devserver {

// Shuts down the socket carrying `req` so the client sees the connection close before
// any byte of a response (curl: "Empty reply from server"). httplib 0.11 offers no
// handle on the connection and always writes the status line and headers before any
// body, so a failing content provider would still leak a status; instead the socket is
// found by its address pair. shutdown() leaves the descriptor open, so httplib still owns
// and closes it and nothing can reuse the number under it. Returns false if not found.
bool abort_connection(const httplib::Request& req);

}  // namespace devserver
