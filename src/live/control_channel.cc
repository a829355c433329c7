#include "live/control_channel.h"

#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <filesystem>
#include <list>

#include "common/error.h"

namespace callsim::live {
namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {
constexpr size_t kMaxLine = 4096;  // bytes of a line before its newline (which has room too)
constexpr std::chrono::milliseconds kRetry{100};  // after a failed accept
}

struct ControlChannel::Impl : std::enable_shared_from_this<ControlChannel::Impl> {
  struct Session {
    explicit Session(asio::io_context& io) : socket(io), in(kMaxLine + 1) {}
    local::socket socket;
    asio::streambuf in;
    std::string out;
    bool writing = false;
    std::deque<std::string> pending;
  };

  Impl(asio::io_context& io_, Handler h, ErrorHandler e)
      : io(io_), handler(std::move(h)), report_error(std::move(e)), input(io_), acceptor(io_), retry(io_) {}

  // Reads lines into `buf` (kMaxLine bytes and the newline) and delivers each. A line longer than that
  // is delivered once as "" (refused by the handler as too long) and its remaining bytes are
  // skipped up to its newline (`skipping`); reading then goes on with the next line. Ending the
  // reading there lost every later command (stdin) or reset the connection (socket).
  template <typename Stream>
  void read_lines(Stream& stream, asio::streambuf& buf, std::function<void(const std::string&)> deliver,
                  std::function<void()> on_error, bool skipping = false) {
    auto self = shared_from_this();
    asio::async_read_until(stream, buf, '\n', [this, self, &stream, &buf, deliver, on_error, skipping](auto ec, size_t n) {
      if (closed) return;
      if (ec == asio::error::not_found) {  // the buffer is full and holds no newline
        if (!skipping) deliver("");
        buf.consume(buf.size());
        return read_lines(stream, buf, deliver, on_error, true);
      }
      if (ec) return on_error();
      std::string line(asio::buffers_begin(buf.data()), asio::buffers_begin(buf.data()) + static_cast<long>(n));
      buf.consume(n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      if (!line.empty() && !skipping) deliver(line);  // skipping: the over-long line's end
      read_lines(stream, buf, deliver, on_error);
    });
  }

  void start_stdin() {
    input.assign(::dup(STDIN_FILENO));
    read_lines(input, stdin_buf, [this](const std::string& line) { handler(line, nullptr); }, [] {});
  }

  void send(const std::shared_ptr<Session>& s, std::string line) {
    s->pending.push_back(std::move(line) + "\n");
    if (s->writing) return;
    s->writing = true;
    write_next(s);
  }

  void write_next(const std::shared_ptr<Session>& s) {
    if (s->pending.empty() || closed) {
      s->writing = false;
      return;
    }
    s->out = std::move(s->pending.front());
    s->pending.pop_front();
    auto self = shared_from_this();
    asio::async_write(s->socket, asio::buffer(s->out), [this, self, s](auto ec, size_t) {
      if (ec) return;
      write_next(s);
    });
  }

  // A failed accept (out of file descriptors: EMFILE, ENFILE; a connection reset before it was
  // accepted: ECONNABORTED; ...) does not end the channel: it is reported once per run of
  // failures and accepting resumes after a pause (the connection that could not be accepted waits
  // in the backlog, so an immediate retry would spin).
  void accept() {
    auto self = shared_from_this();
    auto s = std::make_shared<Session>(io);
    acceptor.async_accept(s->socket, [this, self, s](const boost::system::error_code& ec) {
      if (closed || ec == asio::error::operation_aborted) return;
      if (ec) {
        if (!failing && report_error) report_error(ec.message() + "; accepting again every " +
                                           std::to_string(kRetry.count()) + " ms until it succeeds");
        failing = true;
        retry.expires_after(kRetry);
        retry.async_wait([this, self](const boost::system::error_code& e) {
          if (!e && !closed) accept();
        });
        return;
      }
      failing = false;
      sessions.push_back(s);
      std::weak_ptr<Session> weak = s;
      read_lines(
          s->socket, s->in,
          [this, weak](const std::string& line) {
            auto session = weak.lock();
            if (!session) return;
            handler(line, [this, weak](const std::string& reply) {
              if (auto sp = weak.lock()) send(sp, reply);
            });
          },
          [this, weak] { sessions.remove_if([&](const auto& x) { return x == weak.lock(); }); });
      accept();
    });
  }

  asio::io_context& io;
  Handler handler;
  ErrorHandler report_error;
  asio::posix::stream_descriptor input;
  asio::streambuf stdin_buf{kMaxLine + 1};
  local::acceptor acceptor;
  asio::steady_timer retry;
  bool failing = false;  // the last accept failed
  std::string path;
  std::list<std::shared_ptr<Session>> sessions;
  bool closed = false;
};

ControlChannel::ControlChannel(asio::io_context& io, bool use_stdin, const std::string& socket_path, Handler on_line,
                               ErrorHandler on_error)
    : impl_(std::make_shared<Impl>(io, std::move(on_line), std::move(on_error))) {
  if (use_stdin) impl_->start_stdin();
  if (socket_path.empty()) return;
  // sun_path holds the path and its final NUL: a longer path cannot be bound (ENAMETOOLONG).
  constexpr size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
  if (socket_path.size() > kMaxPath)
    throw InputError("", "--control",
                     "'" + socket_path + "' is " + std::to_string(socket_path.size()) +
                         " bytes; a Unix socket path holds at most " + std::to_string(kMaxPath) +
                         " (sun_path is " + std::to_string(kMaxPath + 1) +
                         " bytes with the final NUL): use a shorter or relative path");
  struct stat st {};
  if (::lstat(socket_path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw InputError("", "--control", "'" + socket_path + "' exists and is not a socket; not replacing it");
    // A socket something still listens on belongs to a running relay (or another program):
    // refused, as a busy UDP port is. Only a socket nobody answers on (ECONNREFUSED: its owner
    // has gone) is stale and replaced.
    boost::system::error_code probe_ec;
    local::socket probe(io);
    probe.connect(local::endpoint(socket_path), probe_ec);
    if (!probe_ec)
      throw InputError("", "--control",
                       "'" + socket_path + "' is in use: something (another relay?) is listening on it");
    if (probe_ec != asio::error::connection_refused && probe_ec != boost::system::errc::no_such_file_or_directory)
      throw InputError("", "--control",
                       "cannot tell whether '" + socket_path + "' is in use: " + probe_ec.message() +
                           "; not replacing it");
    std::error_code removed;
    std::filesystem::remove(socket_path, removed);  // a stale socket of an earlier run
    if (removed)
      throw InputError("", "--control", "cannot replace the stale socket '" + socket_path + "': " + removed.message());
  }
  boost::system::error_code ec;
  impl_->acceptor.open(local(), ec);
  if (!ec) impl_->acceptor.bind(local::endpoint(socket_path), ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw InputError("", "--control", "cannot listen on '" + socket_path + "': " + ec.message());
  ::chmod(socket_path.c_str(), 0600);
  impl_->path = socket_path;
  impl_->accept();
}

ControlChannel::~ControlChannel() { close(); }

void ControlChannel::close() {
  if (!impl_ || impl_->closed) return;
  impl_->closed = true;
  boost::system::error_code ec;
  impl_->input.close(ec);
  impl_->acceptor.close(ec);
  impl_->retry.cancel();
  for (auto& s : impl_->sessions) s->socket.close(ec);
  impl_->sessions.clear();
  std::error_code fs_ec;
  if (!impl_->path.empty()) std::filesystem::remove(impl_->path, fs_ec);
}

}  // namespace callsim::live
