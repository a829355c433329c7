// Control commands: the parser's forms and refusals, and what each does to a link from the
// moment it applies (a named phase replayed for its length, loss, delay, rate, outage, clear).
#include <gtest/gtest.h>

#include "live/control.h"

namespace callsim::live {
namespace {
namespace net = sim::net;

TEST(Control, ParsesTargetsAndCanonicalText) {
  std::string error;
  auto c = parse_control("call 2 dir b->a loss 5%", error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->call, 2);
  EXPECT_EQ(c->direction, 1);
  EXPECT_EQ(c->link.text(), "loss 0.05");
  c = parse_control("  delay 80   20 ", error);
  ASSERT_TRUE(c) << error;
  EXPECT_FALSE(c->call);
  EXPECT_EQ(c->link.text(), "delay 80 20");
  EXPECT_EQ(parse_control("stop", error)->kind, ControlCommand::Kind::kStop);
  EXPECT_EQ(parse_control("loss off", error)->link.text(), "loss 0");
  const auto again = parse_link_command("delay 80 20", error);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->jitter_ms, 20);
  // The canonical text is what the fate log records and `relay verify` replays: it reads back as
  // the value applied, to the bit (10 significant digits logged 0.0123456789 for this loss).
  for (const char* precise : {"loss 0.0123456789012345", "delay 80.00000000001 0.1", "rate 1234.5678901234567",
                              "outage 1.0000000000001", "loss 1e-300"}) {
    const auto live = parse_control(precise, error);
    ASSERT_TRUE(live) << precise << ": " << error;
    const auto logged = parse_link_command(live->link.text(), error);
    ASSERT_TRUE(logged) << live->link.text() << ": " << error;
    EXPECT_EQ(logged->value, live->link.value) << precise << " logged as " << live->link.text();
    EXPECT_EQ(logged->jitter_ms, live->link.jitter_ms) << precise;
    EXPECT_EQ(logged->text(), live->link.text());
  }
  // Values that ten significant digits hold exactly keep their short form.
  EXPECT_EQ(parse_control("delay 80 0.1", error)->link.text(), "delay 80 0.1");
  EXPECT_EQ(parse_control("rate 10000000", error)->link.text(), "rate 10000000");
  EXPECT_EQ(parse_control("loss 5%", error)->link.text(), "loss 0.05");
  for (const char* bad : {"", "loss", "loss 2", "loss -1%", "delay", "delay x", "delay 1 2 3", "rate -5",
                          "outage 0", "phase", "call x loss 1", "dir up loss 1", "warp 9", "clear now", "loss nan",
                          "rate 0.000000001", "rate 0.5", "rate 1e7.5", "rate 10000001",
                          // one target of each kind: "call 0 call 1" applied to call 1 only, ok:true
                          "call 0 call 1 loss 0.1", "dir a->b dir b->a loss 0.1", "call 0 dir a->b call 1 loss 1",
                          // an outage below 1 ms (1e-9 ms rounded to an empty phase)
                          "outage 1e-9", "outage 0.5", "outage 86400001"})
    EXPECT_FALSE(parse_control(bad, error)) << bad;
  EXPECT_TRUE(parse_control("rate 1", error)) << error;  // the scenario's range: 0, or 1..1e7 kbit/s
  EXPECT_TRUE(parse_control("rate 10000000", error)) << error;
  EXPECT_TRUE(parse_control("call 1 dir b->a outage 1", error)) << error;
  parse_control("call 0 call 1 loss 0.1", error);
  EXPECT_EQ(error, "call given twice: one 'call K' and one 'dir D' prefix at most");
}

// `stats` and `stop` act on the whole relay: a target is refused, not ignored ("call 1 stop"
// answered ok and stopped every call, "call 1 stats" printed every call), and an argument is
// refused as an argument ("stats extra" said "unknown command 'stats'").
TEST(Control, RelayWideCommandsRefuseATargetOrAnArgumentAndSaySo) {
  std::string error;
  const std::pair<const char*, const char*> refused[] = {
      {"call 1 stop", "'stop' applies to the whole relay: it takes no 'call'/'dir' prefix"},
      {"call 1 stats", "'stats' applies to the whole relay: it takes no 'call'/'dir' prefix"},
      {"dir a->b stop", "'stop' applies to the whole relay: it takes no 'call'/'dir' prefix"},
      {"stats extra", "'stats' takes no argument"},
      {"stop now", "'stop' takes no argument"},
      {"call", "'call' needs a call number: call K COMMAND"},
      {"call 1", "no command after the 'call'/'dir' prefix"},
      {"call x loss 1", "call: 'x' is not a call number (0, 1, ...)"},
      {"dir up loss 1", "dir: 'up' is not a direction (a->b, b->a or both)"}};
  for (const auto& [line, message] : refused) {
    error.clear();
    EXPECT_FALSE(parse_control(line, error)) << line;
    EXPECT_EQ(error, message) << line;
  }
  EXPECT_EQ(parse_control(" stats ", error)->kind, ControlCommand::Kind::kStats);
  EXPECT_EQ(parse_control("stop", error)->kind, ControlCommand::Kind::kStop);
}

std::vector<net::Delivery> send_range(net::Link& link, int from, int to) {
  std::vector<net::Delivery> out;
  for (int i = from; i < to; ++i)
    link.send(sim::Timestamp::zero() + sim::Duration::millis(20) * i, {static_cast<uint64_t>(i), 100}, out);
  return out;
}

sim::Timestamp at(int packet) { return sim::Timestamp::zero() + sim::Duration::millis(20) * packet; }

// Parses a control command and applies it to `link` at packet `packet`'s send time; both succeed.
void apply(const char* text, net::Link& link, int packet) {
  std::string error;
  const auto c = parse_link_command(text, error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(apply_link_command(*c, link, at(packet)), "");
}

// A link of 50 ms whose one configured phase is a 1 s outage named `name` from `start_s`.
net::LinkConfig link_with_outage(const char* name, int start_s, bool through_call_end) {
  net::LinkConfig config;
  config.delay.base_ms = 50;
  net::Phase outage;
  outage.name = name;
  outage.start = sim::Duration::seconds(start_s);
  outage.end = sim::Duration::seconds(start_s + 1);
  outage.outage = true;
  outage.through_call_end = through_call_end;
  config.phases.push_back(outage);
  return config;
}

TEST(Control, CommandsChangeTheLinkFromTheirTime) {
  net::Link link(link_with_outage("handover", 30, false), 1, "a->b");
  for (const auto& d : send_range(link, 0, 10)) EXPECT_EQ(d.delay(), sim::Duration::millis(50));
  apply("delay 120", link, 10);
  for (const auto& d : send_range(link, 10, 20)) EXPECT_EQ(d.delay(), sim::Duration::millis(120));
  apply("phase handover", link, 20);  // a 1 s outage from packet 20: packets 20..69
  for (const auto& d : send_range(link, 20, 75))
    EXPECT_EQ(d.cause, d.id < 70 ? net::DropCause::kOutage : net::DropCause::kNone) << d.id;
  apply("loss 1", link, 75);
  for (const auto& d : send_range(link, 75, 80)) EXPECT_EQ(d.cause, net::DropCause::kRandomLoss);
  apply("rate 8", link, 80);  // 8 kbit/s: a (100 + 28)-byte packet takes 128 ms to serialize
  apply("loss 0", link, 80);
  const auto slow = send_range(link, 80, 82);
  EXPECT_EQ(slow[0].delay(), sim::Duration::millis(120 + 128));
  apply("clear", link, 82);  // back to the configured link: 50 ms, no rate limit (FIFO behind the queue)
  const auto back = send_range(link, 100, 101);
  EXPECT_EQ(back[0].delay(), sim::Duration::millis(50));
  std::string error;
  const auto c = parse_link_command("phase nope", error);
  EXPECT_NE(apply_link_command(*c, link, at(101)).find("no phase named 'nope'"), std::string::npos);
}

// A configured phase that ends with the call stays in force after the call's end (its last packet
// may leave a frame later); replayed by `phase NAME` it lasts its length, and `clear` ends it.
TEST(Control, AReplayedPhaseToTheCallsEndLastsItsLengthAndClearEndsIt) {
  net::Link link(link_with_outage("tail", 9, true), 1, "a->b");
  apply("phase tail", link, 0);  // a 1 s outage from packet 0: packets 0..49
  for (const auto& d : send_range(link, 0, 100))
    EXPECT_EQ(d.cause, d.id < 50 ? net::DropCause::kOutage : net::DropCause::kNone) << d.id;
  apply("phase tail", link, 100);
  apply("clear", link, 110);
  for (const auto& d : send_range(link, 100, 160))
    EXPECT_EQ(d.cause, d.id < 110 ? net::DropCause::kOutage : net::DropCause::kNone) << d.id;
}

}  // namespace
}  // namespace callsim::live
