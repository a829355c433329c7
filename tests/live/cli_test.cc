// `callsim relay` as a user runs it: a subprocess on loopback, controlled over its Unix socket,
// stopped by SIGTERM. It must exit 0 having written the final statistics (stdout and relay.json),
// the per-second lines, the events with each control's effective time, fate logs that
// `callsim relay verify` reproduces, and pcaps that tshark reads with the same packet, loss and
// jitter figures as the relay's own statistics. Bad options exit 2 naming the option.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <algorithm>
#include <cctype>
#include <cstring>
#include <functional>
#include <fstream>
#include <sstream>

#include "loopback_util.h"

namespace callsim::live {
namespace {
using namespace testing;
using nlohmann::json;

// A child process whose stdout we read line by line.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = ::fdopen(fds[0], "r");
  }
  ~Child() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
    if (out_) ::fclose(out_);
  }
  std::optional<std::string> line() {
    char* buf = nullptr;
    size_t cap = 0;
    const ssize_t n = ::getline(&buf, &cap, out_);
    std::optional<std::string> s;
    if (n > 0) s = std::string(buf, static_cast<size_t>(n - (buf[n - 1] == '\n')));
    ::free(buf);
    return s;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  int wait() {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    waited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  bool waited_ = false;
};

json control(const std::string& socket_path, const std::string& command) {
  boost::asio::io_context io;
  boost::asio::local::stream_protocol::socket s(io);
  s.connect(boost::asio::local::stream_protocol::endpoint(socket_path));
  boost::asio::write(s, boost::asio::buffer(command + "\n"));
  boost::asio::streambuf buf;
  boost::asio::read_until(s, buf, '\n');
  std::istream in(&buf);
  std::string line;
  std::getline(in, line);
  return json::parse(line);
}

// The reply to `command`, or nothing when none comes within `timeout` (or the socket refuses).
std::optional<json> control_within(const std::string& socket_path, const std::string& command,
                                   std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, (command + "\n").data(), command.size() + 1, MSG_NOSIGNAL) > 0) {
    char buf[4096];
    while (reply.find('\n') == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      reply.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  if (reply.find('\n') == std::string::npos) return std::nullopt;
  return json::parse(reply.substr(0, reply.find('\n')));
}

struct TsharkStream {
  int64_t packets = 0, lost = 0;
  double max_jitter = 0, mean_jitter = 0;
};

std::optional<TsharkStream> tshark(const std::filesystem::path& pcap, const std::string& options = "") {
  const std::string cmd = "tshark " + options + " -r " + pcap.string() + " -q -z rtp,streams 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::string text;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  ::pclose(p);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream in(line);
    std::vector<std::string> t;
    for (std::string w; in >> w;) t.push_back(w);
    if (t.size() < 17 || t[6].rfind("0x", 0) != 0) continue;
    return TsharkStream{std::stoll(t[8]), std::stoll(t[9]), std::stod(t[16]), std::stod(t[15])};
  }
  return std::nullopt;
}

int run_status(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(RelayCli, ControlSignalStopVerifyAndPcaps) {
  const auto dir = fresh_dir("relay-cli");
  const std::string sock = (dir / "control.sock").string();
  Peer alice, bob;
  Child relay({callsim_binary(), "relay", "--b", bob.endpoint().to_string(), "-o", (dir / "out").string(),
               "--control", sock, "--stats-interval", "0.2", "--seed", "9"});
  const auto first = relay.line();
  ASSERT_TRUE(first);
  const json listening = json::parse(*first);
  ASSERT_EQ(listening["type"], "listening");
  const Endpoint port_a = parse_endpoint(listening["calls"][0]["a"].get<std::string>(), "a");

  alice.send_rtp(port_a, 100, std::chrono::milliseconds(4), 0xA11CE);  // 0.4 s
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the relay has read them all
  const json reply = control(sock, "dir a->b loss 100%");
  EXPECT_EQ(reply["ok"], true) << reply.dump();
  EXPECT_EQ(reply["applied"][0]["before_index"], 100);
  alice.send_rtp(port_a, 50, std::chrono::milliseconds(4), 0xA11CE);  // all lost
  EXPECT_EQ(control(sock, "warp 9")["ok"], false);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  relay.signal(SIGTERM);
  std::vector<json> lines;
  while (auto l = relay.line()) lines.push_back(json::parse(*l));
  EXPECT_EQ(relay.wait(), 0);
  ASSERT_FALSE(lines.empty());
  const json& final_json = lines.back();
  ASSERT_EQ(final_json["type"], "final");
  EXPECT_EQ(final_json["stop_reason"], "SIGTERM");
  const json& ab = final_json["calls"][0]["a->b"];
  EXPECT_EQ(ab["packets"], 150);
  EXPECT_EQ(ab["released"], bob.wait_for(ab["released"].get<size_t>()));
  EXPECT_EQ(ab["released"], 100);  // a perfect link, then everything lost
  EXPECT_EQ(ab["fates"]["random_loss"], 50);
  int stats_lines = 0;
  for (const auto& l : lines) stats_lines += l["type"] == "stats";
  EXPECT_GE(stats_lines, 2);

  const auto out = dir / "out";
  std::ifstream record(out / "relay.json");
  ASSERT_TRUE(record) << "relay.json was not written";
  EXPECT_EQ(json::parse(record)["calls"][0]["a->b"]["packets"], 150);
  std::ifstream events(out / "events.jsonl");
  std::string events_text((std::istreambuf_iterator<char>(events)), std::istreambuf_iterator<char>());
  EXPECT_NE(events_text.find("\"command\":\"dir a->b loss 100%\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(sock)) << "the control socket is removed at exit";
  EXPECT_EQ(run_status(callsim_binary() + " relay verify " + out.string()), 0);
  // Evidence cut short or missing fails (exit 1): it used to pass with nothing checked.
  auto verify_edited = [&](const std::string& name, const std::function<void(const std::filesystem::path&)>& edit) {
    const auto copy = dir / name;
    std::filesystem::copy(out, copy, std::filesystem::copy_options::recursive);
    edit(copy);
    return run_status(callsim_binary() + " relay verify " + copy.string());
  };
  auto keep_lines = [](const std::filesystem::path& file, const std::function<bool(const std::string&)>& keep) {
    std::ifstream in(file);
    std::string text;
    for (std::string line; std::getline(in, line);)
      if (keep(line)) text += line + "\n";
    in.close();
    std::ofstream(file) << text;
  };
  const auto fates = std::filesystem::path("call0") / "a-to-b.fates.csv";
  EXPECT_EQ(verify_edited("after-100", [&](const auto& d) {
    keep_lines(d / fates, [](const std::string& l) { return !std::isdigit(l[0]) || std::stoi(l) <= 100; });
  }), 1);
  EXPECT_EQ(verify_edited("last-line", [&](const auto& d) {
    keep_lines(d / fates, [](const std::string& l) { return !l.starts_with("149,"); });
  }), 1);
  EXPECT_EQ(verify_edited("no-calls", [&](const auto& d) {
    std::ifstream in(d / "relay.json");
    json j = json::parse(in);
    in.close();
    j["calls"] = json::array();
    std::ofstream(d / "relay.json") << j.dump();
  }), 1);

  if (run_status("command -v tshark") != 0) GTEST_SKIP() << "tshark is not installed: pcaps not cross-checked";
  for (const char* side : {"in", "out"}) {
    const auto ts = tshark(out / "call0" / (std::string("a-to-b.") + side + ".pcap"));
    ASSERT_TRUE(ts) << side;
    const json& ours = ab[side]["rtp_streams"][0]["wireshark"];
    EXPECT_EQ(ts->packets, ours["packets"].get<int64_t>()) << side;
    EXPECT_EQ(ts->lost, ours["lost"].get<int64_t>()) << side;
    EXPECT_NEAR(ts->max_jitter, ours["max_jitter_ms"].get<double>(), 0.0005 + 1e-9) << side;
    EXPECT_NEAR(ts->mean_jitter, ours["mean_jitter_ms"].get<double>(), 0.0005 + 1e-9) << side;
  }
  std::filesystem::remove_all(dir);
}

std::vector<json> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// The control events of a relay's events.jsonl, in order.
std::vector<json> control_events(const std::filesystem::path& out) {
  std::vector<json> controls;
  for (const json& e : read_lines(out / "events.jsonl"))
    if (e.value("event", "") == "control") controls.push_back(e);
  return controls;
}

// relay.json's stop_reason; "" when relay.json was not written.
std::string stop_reason(const std::filesystem::path& out) {
  std::ifstream record(out / "relay.json");
  return record ? json::parse(record).value("stop_reason", "") : "";
}

// A control line that is not text (bytes that are not UTF-8, control characters) is refused with
// ok:false naming the byte, recorded with those bytes as \xNN, and the relay goes on to write
// every output. It used to throw from the JSON writer: exit 3, no relay.json.
TEST(RelayCli, ControlLineThatIsNotTextIsRefused) {
  const auto dir = fresh_dir("relay-utf8");
  const auto out = dir / "out";
  const int status = run_status("printf 'loss 0.1\\n\\377\\376 garbage\\n\\001stats\\nstop\\n' | " +
                                callsim_binary() + " relay --control - --stats-interval 0 --duration 10 -o " +
                                out.string());
  EXPECT_EQ(status, 0);
  const std::vector<json> controls = control_events(out);
  ASSERT_EQ(controls.size(), 4u);
  EXPECT_EQ(controls[0]["ok"], true);
  EXPECT_EQ(controls[1]["ok"], false);
  EXPECT_EQ(controls[1]["command"], "\\xFF\\xFE garbage");
  EXPECT_EQ(controls[1]["error"], "not a text command: byte 0 (0xFF) is not valid UTF-8");
  EXPECT_EQ(controls[2]["ok"], false);
  EXPECT_EQ(controls[2]["command"], "\\x01stats");
  EXPECT_NE(controls[2]["error"].get<std::string>().find("control character"), std::string::npos);
  EXPECT_EQ(controls[3]["ok"], true);
  EXPECT_EQ(stop_reason(out), "control");
}

// A control line longer than 4096 bytes is refused (ok:false) and reading goes on: on stdin the
// relay used to stop reading control for good (the `stop` after it was ignored and the relay ran
// to --duration), on the socket the connection was reset and the next command lost.
TEST(RelayCli, AnOverlongControlLineIsRefusedAndReadingGoesOn) {
  const auto dir = fresh_dir("relay-long-line");
  const auto out = dir / "out";
  const std::string long_line(5000, 'x');
  const auto started = std::chrono::steady_clock::now();
  const int status = run_status("printf 'loss 0.1\\n" + long_line + "\\nstop\\n' | " + callsim_binary() +
                                " relay --control - --stats-interval 0 --duration 30 -o " + out.string());
  EXPECT_EQ(status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20)) << "the stop was not read";
  const std::vector<json> controls = control_events(out);
  ASSERT_EQ(controls.size(), 3u);
  EXPECT_EQ(controls[0]["ok"], true);
  EXPECT_EQ(controls[1]["ok"], false);
  EXPECT_EQ(controls[1]["error"], "line longer than 4096 bytes");
  EXPECT_EQ(controls[2]["command"], "stop");
  EXPECT_EQ(controls[2]["ok"], true);
  EXPECT_EQ(stop_reason(out), "control");

  // The socket: one connection sends an over-long line, then `stats`; both are answered.
  const std::string sock = (dir / "control.sock").string();
  Child relay({callsim_binary(), "relay", "--stats-interval", "0", "--control", sock});
  const auto first = relay.line();
  ASSERT_TRUE(first);
  ASSERT_EQ(json::parse(*first)["type"], "listening");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", sock.c_str());
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << std::strerror(errno);
  const std::string sent = std::string(10000, 'y') + "\nstats\n";
  ASSERT_EQ(::send(fd, sent.data(), sent.size(), MSG_NOSIGNAL), static_cast<ssize_t>(sent.size()));
  std::string replies;
  char buf[4096];
  while (std::count(replies.begin(), replies.end(), '\n') < 2) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    replies.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  std::istringstream reply_lines(replies);
  std::vector<json> answers;
  for (std::string l; std::getline(reply_lines, l);) answers.push_back(json::parse(l));
  ASSERT_EQ(answers.size(), 2u) << "the command after the long line was lost: " << replies;
  EXPECT_EQ(answers[0]["ok"], false);
  EXPECT_EQ(answers[0]["error"], "line longer than 4096 bytes");
  EXPECT_EQ(answers[1]["command"], "stats");
  EXPECT_EQ(answers[1]["ok"], true);
  relay.signal(SIGTERM);
  while (relay.line()) {
  }
  EXPECT_EQ(relay.wait(), 0);
}

// A second relay given the same --control path is refused (exit 2, "in use"), as a busy UDP port
// is, and the running relay keeps its socket. It used to delete the running relay's socket as
// stale and take it over, leaving the first relay uncontrollable.
TEST(RelayCli, AControlSocketInUseIsRefused) {
  const auto dir = fresh_dir("relay-sock-in-use");
  const std::string sock = (dir / "control.sock").string();
  Child first_relay({callsim_binary(), "relay", "--stats-interval", "0", "--control", sock});
  const auto first = first_relay.line();
  ASSERT_TRUE(first);
  ASSERT_EQ(json::parse(*first)["type"], "listening");
  EXPECT_EQ(run_status(callsim_binary() + " relay --stats-interval 0 --duration 0.2 -q --control " + sock), 2);
  const auto reply = control_within(sock, "stats", std::chrono::seconds(5));
  ASSERT_TRUE(reply) << "the running relay lost its control socket";
  EXPECT_EQ((*reply)["ok"], true);
  first_relay.signal(SIGTERM);
  while (first_relay.line()) {
  }
  EXPECT_EQ(first_relay.wait(), 0);
  // A stale socket (nobody listening on it) is still replaced.
  {
    boost::asio::io_context io;
    boost::asio::local::stream_protocol::acceptor stale(io, boost::asio::local::stream_protocol::endpoint(sock));
  }  // closed: the file stays, nobody answers
  ASSERT_TRUE(std::filesystem::exists(sock));
  EXPECT_EQ(run_status(callsim_binary() + " relay --stats-interval 0 --duration 0.1 -q --control " + sock), 0);
}

// More clients at once than the relay has file descriptors for: accepting fails (EMFILE), the
// relay says so in an event and serves the socket again once they have gone. The first failed
// accept used to end the control socket for good, silently.
TEST(RelayCli, ControlSocketSurvivesRunningOutOfFileDescriptors) {
  const auto dir = fresh_dir("relay-emfile");
  const std::string sock = (dir / "control.sock").string();
  Child relay({"/bin/sh", "-c",
               "ulimit -n 48 && exec " + callsim_binary() + " relay --stats-interval 0 --control " + sock});
  const auto first = relay.line();
  ASSERT_TRUE(first);
  ASSERT_EQ(json::parse(*first)["type"], "listening");
  const auto before = control_within(sock, "stats", std::chrono::seconds(5));
  ASSERT_TRUE(before);
  EXPECT_EQ((*before)["ok"], true);
  std::vector<int> clients;
  for (int i = 0; i < 100; ++i) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", sock.c_str());
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0) << std::strerror(errno);
    clients.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the relay has hit its limit
  for (int fd : clients) ::close(fd);
  const auto after = control_within(sock, "stats", std::chrono::seconds(5));
  ASSERT_TRUE(after) << "no reply: the control socket stopped accepting";
  EXPECT_EQ((*after)["ok"], true);
  relay.signal(SIGTERM);
  std::vector<json> events;
  while (auto l = relay.line()) events.push_back(json::parse(*l));
  EXPECT_EQ(relay.wait(), 0);
  int failures = 0;
  for (const json& e : events)
    if (e.value("event", "") == "control_accept_failed") {
      ++failures;
      EXPECT_NE(e["error"].get<std::string>().find("Too many open files"), std::string::npos) << e.dump();
    }
  EXPECT_GE(failures, 1) << "the failed accepts were reported";
}

// -o replaces an earlier relay output whole (no call folders of a bigger run left beside the new
// relay.json) and refuses a folder that is not a relay's output (its relay.json was overwritten).
TEST(RelayCli, OutputFolderIsReplacedWholeAndAForeignFolderIsRefused) {
  const auto dir = fresh_dir("relay-out");
  const std::string relay = callsim_binary() + " relay --duration 0.1 --stats-interval 0 -q -o ";
  const auto out = dir / "out";
  ASSERT_EQ(run_status(relay + out.string() + " --calls 3"), 0);
  EXPECT_TRUE(std::filesystem::is_directory(out / "call2"));
  ASSERT_EQ(run_status(relay + out.string() + " --calls 1"), 0);
  EXPECT_TRUE(std::filesystem::is_directory(out / "call0"));
  EXPECT_FALSE(std::filesystem::exists(out / "call1")) << "a stale call folder of the earlier run";
  EXPECT_FALSE(std::filesystem::exists(out / "call2"));
  std::ifstream record(out / "relay.json");
  EXPECT_EQ(json::parse(record)["calls"].size(), 1u);
  EXPECT_EQ(run_status(callsim_binary() + " relay verify " + out.string()), 0);
  size_t entries = 0;  // no temporary left beside it
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);

  const auto foreign = dir / "foreign";
  std::filesystem::create_directories(foreign);
  std::ofstream(foreign / "relay.json") << "{\"x\":1}\n";
  std::ofstream(foreign / "result.txt") << "precious\n";
  EXPECT_EQ(run_status(relay + foreign.string()), 2);
  std::ifstream kept(foreign / "relay.json");
  EXPECT_EQ(json::parse(kept), json::parse("{\"x\":1}"));
  EXPECT_TRUE(std::filesystem::exists(foreign / "result.txt"));
}

// A repeatable option takes one value per use: "--rtpmap 111=opus/48000/2 scenario.json" took the
// scenario as a second payload-type mapping (and refused it).
TEST(RelayCli, ARepeatableOptionBeforeTheScenarioTakesOneValue) {
  const auto out = fresh_dir("relay-repeatable") / "out";
  EXPECT_EQ(run_status(callsim_binary() + " relay --duration 0.1 --stats-interval 0 -q --rtpmap 111=opus/48000/2 " +
                       "--learn-from 127.0.0.0/8 " + CALLSIM_SOURCE_DIR + "/scenarios/default.json -o " + out.string()),
            0);
  std::ifstream record(out / "relay.json");
  EXPECT_EQ(json::parse(record)["calls"].size(), 1u);
}

// Copies the model delivers but the stop cuts off are not "delivered": relay.json said fates
// delivered 50, released 0, not_sent 50. Now the model's verdict is fates.delivered_by_model and
// what became of those copies is counted beside it (cut_off_by_stop), and verify checks each.
TEST(RelayCli, CopiesCutOffByTheStopAreCountedAsSuch) {
  const auto dir = fresh_dir("relay-cutoff");
  const auto link = dir / "delay5s.json";
  std::ofstream(link) << R"({"delay": {"base_ms": 5000}})" << "\n";
  const auto out = dir / "out";
  Peer alice, bob;
  Child relay({callsim_binary(), "relay", link.string(), "--b", bob.endpoint().to_string(), "-o", out.string(),
               "--stats-interval", "0", "--drain", "0.2"});
  const auto first = relay.line();
  ASSERT_TRUE(first);
  const json listening = json::parse(*first);
  ASSERT_EQ(listening["type"], "listening");
  const Endpoint port_a = parse_endpoint(listening["calls"][0]["a"].get<std::string>(), "a");
  alice.send_rtp(port_a, 50, std::chrono::milliseconds(2), 0xA11CE);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // read, all due 5 s later
  relay.signal(SIGTERM);
  std::vector<json> lines;
  while (auto l = relay.line()) lines.push_back(json::parse(*l));
  EXPECT_EQ(relay.wait(), 0);
  ASSERT_FALSE(lines.empty());
  const json& ab = lines.back()["calls"][0]["a->b"];
  EXPECT_EQ(ab["packets"], 50);
  EXPECT_EQ(ab["fates"]["delivered_by_model"], 50) << ab.dump();
  EXPECT_FALSE(ab["fates"].contains("delivered"));
  EXPECT_EQ(ab["released"], 0);
  EXPECT_EQ(ab["cut_off_by_stop"], 50);
  EXPECT_EQ(ab["destination_forgotten"], 0);
  EXPECT_EQ(ab["send_errors"], 0);
  EXPECT_EQ(ab["in_flight"], 0);
  EXPECT_EQ(run_status(callsim_binary() + " relay verify " + out.string()), 0);
}

// The SAP/SDP announcement (the payload type's rtpmap) goes in before the first RTP packet with
// a known rtpmap, whatever came first: with a STUN request first (every ICE endpoint's first
// datagram) it was not written at all, so even tshark's RTP heuristic had no clock for a dynamic
// payload type (jitter -1). Wireshark still gives the STUN packet's conversation to STUN, so
// without the heuristic it finds no stream there: the test reads the pcaps with it on.
TEST(RelayCli, PcapsAnnounceTheRtpmapAlsoAfterAStunRequest) {
  if (run_status("command -v tshark") != 0) GTEST_SKIP() << "tshark is not installed";
  const auto dir = fresh_dir("relay-sap");
  const auto out = dir / "out";
  Peer alice, bob;
  Child relay({callsim_binary(), "relay", "--b", bob.endpoint().to_string(), "-o", out.string(), "--stats-interval",
               "0", "--rtpmap", "96=opus/48000/2"});
  const auto first = relay.line();
  ASSERT_TRUE(first);
  const json listening = json::parse(*first);
  ASSERT_EQ(listening["type"], "listening");
  const Endpoint port_a = parse_endpoint(listening["calls"][0]["a"].get<std::string>(), "a");
  // A STUN binding request (RFC 5389 header: type 0x0001, length 0, magic cookie, transaction id).
  std::vector<uint8_t> stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
  stun.resize(20, 0x01);
  alice.send_raw(port_a, stun);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (uint16_t seq = 0; seq < 50; ++seq) {  // dynamic payload type 96: only the SDP gives its clock
    std::vector<uint8_t> packet = rtp_packet(seq, 0xA11CE, 80);
    packet[1] = 96;
    alice.send_raw(port_a, packet);
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
  }
  bob.wait_for(51);
  relay.signal(SIGTERM);
  std::vector<json> lines;
  while (auto l = relay.line()) lines.push_back(json::parse(*l));
  EXPECT_EQ(relay.wait(), 0);
  ASSERT_FALSE(lines.empty());
  const json& ab = lines.back()["calls"][0]["a->b"];
  for (const char* side : {"in", "out"}) {
    const auto ts = tshark(out / "call0" / (std::string("a-to-b.") + side + ".pcap"), "-o rtp.heuristic_rtp:TRUE");
    ASSERT_TRUE(ts) << side << ": tshark found no RTP stream";
    const json& ours = ab[side]["rtp_streams"][0]["wireshark"];
    EXPECT_EQ(ts->packets, 50) << side;
    ASSERT_TRUE(ours["max_jitter_ms"].is_number()) << side;
    EXPECT_GT(ts->max_jitter, 0) << side << ": tshark had no clock (no announcement)";
    EXPECT_NEAR(ts->max_jitter, ours["max_jitter_ms"].get<double>(), 0.0005 + 1e-9) << side;
    EXPECT_NEAR(ts->mean_jitter, ours["mean_jitter_ms"].get<double>(), 0.0005 + 1e-9) << side;
  }
}

// A folder as SCENARIO, or a relay.json whose recorded link file is now a folder, is bad input
// (exit 2, "is a folder"), as `callsim run DIR/` says; the fingerprint read it with an ifstream
// first: exit 3 "basic_filebuf::underflow ... Is a directory".
TEST(RelayCli, AFolderAsTheLinkFileIsRefusedWithExit2) {
  const auto dir = fresh_dir("relay-folder");
  const auto folder = dir / "adir";
  std::filesystem::create_directories(folder);
  const auto err = dir / "err.txt";
  const std::string relay = callsim_binary() + " relay --duration 0.1 --stats-interval 0 -q ";
  auto status_and_error = [&](const std::string& command) {
    const int status = std::system((command + " >/dev/null 2>" + err.string()).c_str());
    std::ifstream in(err);
    std::stringstream text;
    text << in.rdbuf();
    return std::pair{WIFEXITED(status) ? WEXITSTATUS(status) : -1, text.str()};
  };
  const auto [relay_status, relay_error] = status_and_error(relay + folder.string() + "/");
  EXPECT_EQ(relay_status, 2) << relay_error;
  EXPECT_NE(relay_error.find("is a folder"), std::string::npos) << relay_error;
  const auto out = dir / "out";
  ASSERT_EQ(run_status(relay + CALLSIM_SOURCE_DIR + "/scenarios/default.json -o " + out.string()), 0);
  json record;
  {
    std::ifstream in(out / "relay.json");
    record = json::parse(in);
  }
  record["config"]["links"]["file"] = folder.string();
  std::ofstream(out / "relay.json") << record.dump() << "\n";
  const auto [verify_status, verify_error] = status_and_error(callsim_binary() + " relay verify " + out.string());
  EXPECT_EQ(verify_status, 2) << verify_error;
  EXPECT_NE(verify_error.find("is a folder"), std::string::npos) << verify_error;
}

TEST(RelayCli, BadOptionsExit2) {
  const std::string relay = callsim_binary() + " relay --duration 1 --stats-interval 0 ";
  for (const char* bad : {"--calls 0", "--a nonsense", "--b 300.1.1.1:5", "--bind ::1", "--rtpmap 96=opus",
                          "--learn-from 10.0.0.0/40", "--max-size 0", "--profile no_such_profile",
                          "/no/such/scenario.json", "--spin-us -1", "--a 127.0.0.1:5000 --a 127.0.0.1:5001",
                          // accepted before: the seed wrapped to 2^64-1, call 1's seed to 0, --cpu -5 ignored
                          "--seed -1", "--seed 18446744073709551616", "--seed 99999999999999999999999",
                          "--seed 18446744073709551615 --calls 2", "--cpu -5", "--rtpmap 111=opus/48000/abc",
                          "--duration -1", "--calls 1.5", "--max-learn -1"})
    EXPECT_EQ(run_status(relay + bad), 2) << bad;
  // A Unix socket path longer than sun_path holds (107 bytes and the NUL): exit 3 "File name too
  // long" before.
  const std::string long_path = (fresh_dir("relay-long") / std::string(120, 's')).string();
  EXPECT_EQ(run_status(relay + "--control " + long_path), 2);
  // The largest seed that does not wrap: call k gets seed + k, up to 2^64 - 1.
  const auto seeds = fresh_dir("relay-seeds") / "out";
  ASSERT_EQ(run_status(callsim_binary() + " relay --duration 0.1 --stats-interval 0 --calls 2 " +
                       "--seed 18446744073709551614 -o " + seeds.string()),
            0);
  std::ifstream record(seeds / "relay.json");
  const json calls = json::parse(record)["calls"];
  EXPECT_EQ(calls[0]["seed"].get<uint64_t>(), 18446744073709551614ull);
  EXPECT_EQ(calls[1]["seed"].get<uint64_t>(), 18446744073709551615ull);
  // A port already taken.
  boost::asio::io_context io;
  boost::asio::ip::udp::socket taken(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  EXPECT_EQ(run_status(relay + "--port " + std::to_string(taken.local_endpoint().port())), 2);
}

}  // namespace
}  // namespace callsim::live
