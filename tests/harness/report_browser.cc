// The report opened in headless Chromium, as a person would open it: from file://, offline. The
// page's own self-check (report.js) marks every <img> that decoded with a size and every <audio>
// that loaded its metadata, and records script errors; --dump-dom shows the result, and
// Chromium's console log (stderr) must be empty. The overview must fit a 1400 px window (report.js
// records the layout). Screenshots (1400 px wide) go to the build folder: <build>/report-screenshot.png
// (index), <build>/report-1400-screenshot.png (index with baseline and trend) and
// <build>/report-call-screenshot.png (a call page).
// Skipped, with a message, when /usr/bin/chromium is not installed (tools/setup.sh installs it).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <thread>

#include "check_test_util.h"
#include "harness/check/baseline.h"
#include "harness/report/report.h"

namespace callsim::harness {
namespace {

namespace fs = std::filesystem;
using checkutil::read_file;

constexpr const char* kChromium = "/usr/bin/chromium";

// Runs Chromium (in its own process group) with stdout/stderr to files; kills the group after
// 90 s. Returns the exit status (or -1 on timeout).
int run_chromium(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  const pid_t pid = ::fork();
  if (pid < 0) return -2;
  if (pid == 0) {
    ::setpgid(0, 0);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> argv{const_cast<char*>(kChromium)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kChromium, argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium))
      GTEST_SKIP() << kChromium << " not installed (tools/setup.sh installs chromium)";
    checkutil::write_sweep(dir.path() / "sweep", {{"fec/random1/plain", "plain", 0.01, 4.1, 150},
                                                  {"fec/random5/plain", "plain", 0.05, 3.4, 160},
                                                  {"fec/random1/fec", "fec", 0.01, 4.2, 170},
                                                  {"fec/random5/fec", "fec", 0.05, 3.9, 175, false}});
    ReportOptions o;
    o.output = report;
    o.date = "2026-11-26";
    write_report({dir.path() / "sweep"}, o);
  }

  std::vector<std::string> common_args() const {
    return {"--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + (dir.path() / "profile").string(),
            "--enable-logging=stderr",
            "--v=0"};
  }

  // The DOM after the page's self-check, and the console lines Chromium logged.
  std::pair<std::string, std::vector<std::string>> open(const fs::path& page, const std::string& window = "") {
    auto args = common_args();
    if (!window.empty()) args.push_back("--window-size=" + window);
    args.insert(args.end(), {"--virtual-time-budget=15000", "--dump-dom", "file://" + page.string()});
    EXPECT_EQ(run_chromium(args, dir.path() / "dom.html", dir.path() / "stderr.txt"), 0)
        << read_file(dir.path() / "stderr.txt");
    std::vector<std::string> console;
    const std::string err = read_file(dir.path() / "stderr.txt");
    static const std::regex line(R"(\n[^\n]*:CONSOLE[^\n]*)");
    for (std::sregex_iterator it(err.begin(), err.end(), line), end; it != end; ++it)
      console.push_back(it->str());
    return {read_file(dir.path() / "dom.html"), console};
  }

  void screenshot(const fs::path& page, const fs::path& png) {
    auto args = common_args();
    args.insert(args.end(), {"--window-size=1400,2000", "--virtual-time-budget=5000", "--hide-scrollbars",
                             "--screenshot=" + png.string(), "file://" + page.string()});
    fs::remove(png);
    EXPECT_EQ(run_chromium(args, dir.path() / "shot.txt", dir.path() / "shot-err.txt"), 0)
        << read_file(dir.path() / "shot-err.txt");
    const std::string bytes = read_file(png);
    EXPECT_GT(bytes.size(), 20000u) << png;  // a rendered page, not a blank one
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  }

  checkutil::ScratchDir dir{"report-browser"};
  fs::path report = dir.path() / "report";
};

std::string attribute(const std::string& dom, const std::string& name) {
  const std::regex re("<html[^>]* " + name + "=\"([^\"]*)\"");
  std::smatch m;
  return std::regex_search(dom, m, re) ? m[1].str() : "<absent>";
}

TEST_F(ReportBrowser, IndexLoadsWithEveryPlotAndNoConsoleErrors) {
  const auto [dom, console] = open(report / "index.html");
  EXPECT_EQ(attribute(dom, "data-selfcheck"), "ok") << attribute(dom, "data-selfcheck-failures");
  EXPECT_EQ(attribute(dom, "data-selfcheck-images"), "3");  // the sweep plots
  EXPECT_EQ(console, std::vector<std::string>{});
  // The overview table was made sortable by report.js.
  EXPECT_NE(dom.find("<th class=\"sortable\">MOS-LQO NB</th>"), std::string::npos);
  screenshot(report / "index.html", fs::path(CALLSIM_BINARY_DIR) / "report-screenshot.png");
}

int int_attribute(const std::string& dom, const std::string& name) {
  const std::string v = attribute(dom, name);
  return v == "<absent>" || v.empty() ? -1 : std::stoi(v);
}

TEST_F(ReportBrowser, OverviewWithBaselineAndTrendFitsA1400PxWindow) {
  // The widest overview: the gate's longest ids, sweep parameters, a baseline every row regressed
  // against (two metrics listed per row) and a trend over an earlier night.
  const std::vector<checkutil::SweepCall> calls = {
      {"library/g1050_unmanaged_link_failure", "wb24fec", 0.08, 3.1, 420},
      {"library/bandwidth_collapse_bufferbloat", "wb24fec", 0.12, 1.6, 2450},
      {"smoke/bursty_loss/wb24fec", "wb24fec", 0.05, 3.4, 160},
      {"smoke/good_wifi/nb12", "nb12", 0.01, 4.1, 150, false}};
  checkutil::write_sweep(dir.path() / "night1", calls);
  ReportOptions o;
  o.output = dir.path() / "report1";
  write_report({dir.path() / "night1"}, o);
  save_baseline(update_baseline(nullptr, load_calls({dir.path() / "night1"}), false, nullptr),
                dir.path() / "baseline.json");
  std::vector<checkutil::SweepCall> worse = calls;
  for (auto& c : worse) {
    c.mos -= 0.35;
    c.mouth_to_ear *= 1.3;
  }
  checkutil::write_sweep(dir.path() / "night2", worse);
  o.output = dir.path() / "report2";
  o.baseline = dir.path() / "baseline.json";
  o.history = {dir.path() / "report1"};
  o.date = "2026-11-27";
  write_report({dir.path() / "night2"}, o);

  const auto [dom, console] = open(dir.path() / "report2/index.html", "1400,1000");
  EXPECT_EQ(attribute(dom, "data-selfcheck"), "ok") << attribute(dom, "data-selfcheck-failures");
  const int viewport = int_attribute(dom, "data-layout-viewport");
  EXPECT_GE(viewport, 1380);  // 1400 less a scrollbar
  EXPECT_LE(viewport, 1400);
  EXPECT_LE(int_attribute(dom, "data-layout-table-right"), viewport) << "the overview is cut off";
  EXPECT_LE(int_attribute(dom, "data-layout-scroll-width"), viewport) << "the page scrolls sideways";
  EXPECT_NE(dom.find("\u25BC mos_<wbr>lqo_<wbr>nb -0.350"), std::string::npos);  // the regressions are there...
  EXPECT_NE(dom.find("class=\"spark\""), std::string::npos);  // ...and the trend
  screenshot(dir.path() / "report2/index.html", fs::path(CALLSIM_BINARY_DIR) / "report-1400-screenshot.png");
}

TEST_F(ReportBrowser, CallPagesPlayTheirAudioAndShowEveryPlot) {
  for (const char* call : {"fec_random1_plain", "fec_random5_fec"}) {
    const auto [dom, console] = open(report / "calls" / call / "index.html");
    EXPECT_EQ(attribute(dom, "data-selfcheck"), "ok")
        << call << ": " << attribute(dom, "data-selfcheck-failures");
    EXPECT_EQ(attribute(dom, "data-selfcheck-images"), "8") << call;
    EXPECT_EQ(attribute(dom, "data-selfcheck-audio"), "4") << call;
    EXPECT_EQ(console, std::vector<std::string>{}) << call;
  }
  screenshot(report / "calls/fec_random5_fec/index.html",
             fs::path(CALLSIM_BINARY_DIR) / "report-call-screenshot.png");
}

TEST_F(ReportBrowser, SelfCheckCatchesABrokenPlot) {
  // The check must be able to fail: remove one plot and the page reports it.
  fs::remove(report / "calls/fec_random1_fec/plots/alice-to-bob_cdf.svg");
  const auto [dom, console] = open(report / "calls/fec_random1_fec/index.html");
  EXPECT_EQ(attribute(dom, "data-selfcheck"), "failed");
  EXPECT_EQ(attribute(dom, "data-selfcheck-failures"), "image plots/alice-to-bob_cdf.svg");
}

}  // namespace
}  // namespace callsim::harness
