// Where control commands come from: stdin (a pipe or terminal) and/or a local Unix stream socket
// (`--control PATH`; e.g. `echo "loss 5%" | socat - UNIX-CONNECT:PATH`, or Python's socket
// module). Each line is handed to `on_line` on the relay thread with a function that sends the
// reply line back to whoever sent it (the socket connection; for stdin the reply goes to the
// relay's JSON output). A line longer than 4096 bytes is refused (the handler gets "" once) and
// reading goes on with the next line. A failed accept (e.g. out of file
// descriptors) is reported and accepting resumes 100 ms later. An existing socket at PATH is
// replaced only when nothing answers on it (stale, of a relay that has gone); one that accepts a
// connection is in use and refused. The socket file is removed when the channel closes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <string>

namespace callsim::live {

class ControlChannel {
 public:
  using Reply = std::function<void(const std::string& line)>;
  using Handler = std::function<void(const std::string& line, Reply reply)>;
  // Told when accepting a connection on the socket fails (the first of a run of failures); the
  // channel keeps accepting.
  using ErrorHandler = std::function<void(const std::string& message)>;

  // Throws InputError naming --control when the socket cannot be created or PATH is in use.
  ControlChannel(boost::asio::io_context& io, bool use_stdin, const std::string& socket_path, Handler on_line,
                 ErrorHandler on_error = {});
  ~ControlChannel();
  void close();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace callsim::live
