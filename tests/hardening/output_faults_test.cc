// Faults around outputs (issue 11, "Outputs"): an output folder is complete or absent; rerunning
// into the same folder replaces it whole; a folder that is not a call's output is left alone;
// I/O failures (a file in the way, no permission, a full disk) are exit code 2 naming the path;
// temporaries of killed runs (also of report) are cleaned, those of live writers (also in another
// PID namespace) are not; a damaged call folder in a sweep is run again.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/atomic_file.h"
#include "common/staged_dir.h"
#include "hardening_util.h"

namespace callsim::hardening {
namespace fs = std::filesystem;
namespace {

// A process holding flock(LOCK_EX) on `paths` until release() (or the end of the scope): a live
// writer whose pid, in its temporaries' names, is not a live process where the cleaner looks (it
// runs in another PID namespace).
class LockHolder {
 public:
  explicit LockHolder(const std::vector<fs::path>& paths) {
    int ready[2], release[2];
    if (::pipe(ready) != 0 || ::pipe(release) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(release[1]);
      for (const auto& p : paths) {
        const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::flock(fd, LOCK_EX) != 0) ::_exit(1);
      }
      char c = 1;
      if (::write(ready[1], &c, 1) != 1) ::_exit(1);
      while (::read(release[0], &c, 1) < 0) {  // until the parent closes its end
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release[0]);
    char c = 0;
    holding_ = pid_ > 0 && ::read(ready[0], &c, 1) == 1;
    ::close(ready[0]);
    release_ = release[1];
  }
  ~LockHolder() { release(); }
  bool holding() const { return holding_; }
  void release() {
    if (pid_ <= 0) return;
    ::close(release_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int release_ = -1;
  bool holding_ = false;
};

class OutputFaults : public ::testing::Test {
 protected:
  Scratch dir{"outputs"};
  std::string scenario(const std::string& name, const nlohmann::json& doc) {
    write_text(dir / name, doc.dump());
    return dir / name;
  }
};

TEST_F(OutputFaults, RerunningIntoTheSameFolderReplacesItWhole) {
  auto one_way = small_scenario("first");
  ASSERT_EQ(run_cli({"run", scenario("a.json", one_way), "-o", dir / "out", "-q"}).exit_code, 0);
  ASSERT_TRUE(fs::exists(dir.path() / "out/alice-to-bob/frames.csv"));
  auto other = small_scenario("second");
  other["peers"] = {{"carol", {{"talker", "de_male"}}}, {"dave", nlohmann::json::object()}};
  other["links"] = {{"carol->dave", nlohmann::json::object()}};
  const CliResult r = run_cli({"run", scenario("b.json", other), "-o", dir / "out", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::exists(dir.path() / "out/carol-to-dave/frames.csv"));
  EXPECT_FALSE(fs::exists(dir.path() / "out/alice-to-bob")) << "the old scenario's folder must go";
  EXPECT_NE(read_text(dir.path() / "out/result.json").find("\"name\": \"second\""), std::string::npos);
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(OutputFaults, AFolderThatIsNotACallOutputIsLeftAlone) {
  const std::string s = scenario("s.json", small_scenario());
  fs::create_directory(dir.path() / "mine");
  write_text(dir.path() / "mine/thesis.tex", "precious");
  const CliResult r = run_cli({"run", s, "-o", dir / "mine"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find(dir / "mine" + ": exists and is not a call's output folder (no result.json)"),
            std::string::npos)
      << describe(r);
  EXPECT_EQ(read_text(dir.path() / "mine/thesis.tex"), "precious");

  // A result.json callsim did not write does not make it a call's output.
  write_text(dir.path() / "mine/result.json", "garbage");
  CliResult again = run_cli({"run", s, "-o", dir / "mine"});
  EXPECT_EQ(again.exit_code, 2) << describe(again);
  EXPECT_NE(again.err.find("its result.json is not one callsim wrote"), std::string::npos) << describe(again);
  EXPECT_EQ(read_text(dir.path() / "mine/thesis.tex"), "precious");

  // Nor does a real call's output with something of the user's added.
  ASSERT_EQ(run_cli({"run", s, "-o", dir / "out", "-q"}).exit_code, 0);
  write_text(dir.path() / "out/alice-to-bob/notes.txt", "listened: clicks at 3 s");
  again = run_cli({"run", s, "-o", dir / "out", "-q"});
  EXPECT_EQ(again.exit_code, 2) << describe(again);
  EXPECT_NE(again.err.find("it holds alice-to-bob/notes.txt, which a call does not write"), std::string::npos)
      << describe(again);
  EXPECT_EQ(read_text(dir.path() / "out/alice-to-bob/notes.txt"), "listened: clicks at 3 s");
}

// `-o ghost/../mine` with no folder ghost: the kernel found no such path, so the check of what is
// there passed, and the writer (which normalises the path) replaced mine/: run exit 0, the user's
// file gone; sweep wrote into mine/ beside it. The path is taken as it reads, "mine", and
// refused as that; a link that makes '..' lead elsewhere is refused outright.
TEST_F(OutputFaults, AnOutputPathThroughAMissingFolderAndDotDotIsCheckedAsWhatItReplaces) {
  const std::string s = scenario("s.json", small_scenario());
  fs::create_directory(dir.path() / "mine");
  write_text(dir.path() / "mine/thesis.tex", "precious");
  for (const char* command : {"run", "sweep"}) {
    const CliResult r = run_cli({command, s, "-o", dir / "ghost/../mine", "-q"});
    EXPECT_EQ(r.exit_code, 2) << command << describe(r);
    EXPECT_NE(r.err.find(dir / "mine" + ": exists and is not a"), std::string::npos) << describe(r);
    EXPECT_EQ(read_text(dir.path() / "mine/thesis.tex"), "precious");
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path() / "mine"), fs::directory_iterator()), 1) << command;
  }
  // Through a link, '..' leads to the link target's parent: not what the path reads as.
  fs::create_directories(dir.path() / "far/away");
  fs::create_directory_symlink(dir.path() / "far/away", dir.path() / "link");
  const CliResult l = run_cli({"run", s, "-o", dir / "link/../out", "-q"});
  EXPECT_EQ(l.exit_code, 2) << describe(l);
  EXPECT_NE(l.err.find("leads through a link to"), std::string::npos) << describe(l);
  EXPECT_FALSE(fs::exists(dir.path() / "out"));
  EXPECT_FALSE(fs::exists(dir.path() / "far/out"));
  // Where nothing is in the way the path is written as it reads.
  const CliResult ok = run_cli({"run", s, "-o", dir / "ghost/../fresh", "-q"});
  EXPECT_EQ(ok.exit_code, 0) << describe(ok);
  EXPECT_TRUE(fs::exists(dir.path() / "fresh/result.json"));
  EXPECT_FALSE(fs::exists(dir.path() / "ghost"));
  // A legal name of 250 bytes was refused: the temporary beside it had a name too long.
  const std::string long_name(250, 'x');
  const CliResult named = run_cli({"run", s, "-o", dir / long_name, "-q"});
  EXPECT_EQ(named.exit_code, 0) << describe(named);
  EXPECT_TRUE(fs::exists(dir.path() / long_name / "result.json"));
  // A link to an empty folder "exists and is not a folder": it says what it is.
  fs::create_directory(dir.path() / "empty");
  fs::create_directory_symlink(dir.path() / "empty", dir.path() / "to_empty");
  const CliResult linked = run_cli({"run", s, "-o", dir / "to_empty", "-q"});
  EXPECT_EQ(linked.exit_code, 2) << describe(linked);
  EXPECT_NE(linked.err.find("to_empty: is a symbolic link: an output folder is replaced whole"), std::string::npos)
      << describe(linked);
  EXPECT_TRUE(fs::is_symlink(dir.path() / "to_empty"));
}

TEST_F(OutputFaults, IoFailuresAreExitCode2NamingThePath) {
  const std::string s = scenario("s.json", small_scenario());
  write_text(dir.path() / "file", "x");
  CliResult r = run_cli({"run", s, "-o", dir / "file"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find(dir / "file" + ": exists and is not a folder"), std::string::npos) << describe(r);
  r = run_cli({"run", s, "-o", dir / "file/out"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find(dir / "file" + ": cannot create folder"), std::string::npos) << describe(r);
  r = run_cli({"sweep", s, "-o", dir / "file/sweep", "-q"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("cannot create folder"), std::string::npos) << describe(r);
  r = run_cli({"netsim", s, "-o", dir / "file/trace.csv"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find(dir / "file/trace.csv" + ": cannot create"), std::string::npos) << describe(r);
  // /proc refuses new entries even to root: a folder we may not write.
  r = run_cli({"run", s, "-o", "/proc/callsim-no-such-place/out"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("/proc/callsim-no-such-place"), std::string::npos) << describe(r);
}

TEST_F(OutputFaults, AFullDiskLeavesNoPartialFolder) {
  const std::string s = scenario("s.json", small_scenario());
  // Writes beyond 20 kB fail with EFBIG, as they would with ENOSPC on a full disk.
  const CliResult r = run_cli({"run", s, "-o", dir / "out"}, 60, 20000);
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("callsim: " + dir / "out"), std::string::npos) << describe(r);
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << describe(r);
  EXPECT_FALSE(fs::exists(dir.path() / "out")) << "no reference.wav without result.json";
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST_F(OutputFaults, TemporariesOfKilledRunsAreRemoved) {
  const std::string s = scenario("s.json", small_scenario());
  // pid 2^22 + 1 is above Linux's pid_max limit: no such process can exist.
  const std::string dead = ".out.tmp-4194305-0", dead_report = ".rep.tmp-4194305",
                    alive = ".out.tmp-" + std::to_string(::getpid()) + "-0";
  for (const auto& name : {dead, dead_report, alive}) fs::create_directories(dir.path() / name / "sub");
  write_text(dir.path() / ".result.json.tmp-4194305-7", "partial");
  const CliResult r = run_cli({"run", s, "-o", dir / "out", "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(fs::exists(dir.path() / dead));
  EXPECT_FALSE(fs::exists(dir.path() / dead_report));
  EXPECT_FALSE(fs::exists(dir.path() / ".result.json.tmp-4194305-7"));
  EXPECT_TRUE(fs::exists(dir.path() / alive)) << "a running process's temporary stays";
}

// Two containers sharing an output volume: a run in one judged a temporary of a run in the other by
// the pid in its name, which is dead there (or another process), and removed a live run's staging
// folder. A temporary is removed only when nobody holds its lock (and its pid is dead) now.
TEST_F(OutputFaults, ATemporaryItsWriterHoldsIsKeptWhateverPidItsNameCarries) {
  // pid 2^22 + 1 is above Linux's pid_max limit: no such process can exist here.
  const fs::path folder = dir.path() / ".out.tmp-4194305-0", file = dir.path() / ".result.json.tmp-4194305-1",
                 unheld = dir.path() / ".rep.tmp-4194305-2";
  fs::create_directories(folder / "alice-to-bob");
  write_text(folder / "alice-to-bob/frames.csv", "partial");
  write_text(file, "{\"partial");
  fs::create_directories(unheld / "calls");
  {
    LockHolder writer({folder, file});
    ASSERT_TRUE(writer.holding());
    EXPECT_EQ(remove_stale_temporaries(dir.path()), 1);
    EXPECT_TRUE(fs::exists(folder / "alice-to-bob/frames.csv")) << "a live writer's folder stays";
    EXPECT_TRUE(fs::exists(file)) << "a live writer's file stays";
    EXPECT_FALSE(fs::exists(unheld)) << "nobody holds it and its pid is dead: a killed run's";
  }
  // The writer has ended (killed or not, the kernel drops its locks): they are a killed run's now.
  EXPECT_EQ(remove_stale_temporaries(dir.path()), 2);
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_FALSE(fs::exists(file));
}

// A real StagedDir (out/) and AtomicOutput (baseline.json) in `dir`, each with a partial file,
// never destroyed: their temporaries stay, as a killed run's do.
void leave_partial_outputs(const fs::path& dir) {
  auto* staged = new StagedDir(dir / "out");
  write_text(staged->path() / "result.json", "{\"partial");
  auto* file = new AtomicOutput(dir / "baseline.json");
  write_text(file->temp_path(), "{\"partial");
}

// The same with a real StagedDir and AtomicOutput. Their writer's pid dead where the cleaner looks,
// as from another PID namespace: a child makes them, then ends at once (no destructors: its
// temporaries stay, as a killed run's do) while its own child, which inherited its descriptors,
// holds their locks on, as the writer holds them while it runs.
TEST_F(OutputFaults, ALiveStagedFolderAndFileSurviveACleanerThatSeesTheirPidDead) {
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    try {
      leave_partial_outputs(dir.path());
      const pid_t holder = ::fork();
      if (holder == 0) {
        char c = 1;
        if (::write(ready[1], &c, 1) != 1) ::_exit(1);
        while (::read(release[0], &c, 1) < 0) {
        }
        ::_exit(0);
      }
      ::_exit(holder > 0 ? 0 : 1);
    } catch (...) {
      ::_exit(1);
    }
  }
  ::close(ready[1]);
  ::close(release[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(writer, &status, 0), writer);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  std::vector<fs::path> temporaries;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().find(".tmp-" + std::to_string(writer) + "-") != std::string::npos)
      temporaries.push_back(e.path());
  ASSERT_EQ(temporaries.size(), 2u);
  EXPECT_EQ(remove_stale_temporaries(dir.path()), 0);
  for (const auto& t : temporaries) EXPECT_TRUE(fs::exists(t)) << t;
  // The holder ends (its end of `ready` closes with its descriptors): they go.
  ::close(release[1]);
  EXPECT_EQ(::read(ready[0], &c, 1), 0);
  ::close(ready[0]);
  int removed = 0;
  for (int tries = 0; tries < 500 && removed < 2; ++tries) {
    removed += remove_stale_temporaries(dir.path());
    const timespec ms{0, 10000000};
    if (removed < 2) ::nanosleep(&ms, nullptr);
  }
  EXPECT_EQ(removed, 2);
  for (const auto& t : temporaries) EXPECT_FALSE(fs::exists(t)) << t;
}

// A killed run's temporary whose name carries a pid that is a live process where the next run
// looks stayed for good: in a container every run is pid 1, so the next run there saw its own pid
// (and skipped the temporary as its own); elsewhere the pid was reused. A temporary this callsim
// names ("-flock" at the end) is a dead writer's when nobody holds its lock, whatever its pid; an
// older callsim's (unmarked) is still kept while its pid lives.
TEST_F(OutputFaults, ATemporaryNobodyHoldsIsRemovedThoughItsPidIsALiveProcess) {
  const LockedTemporary folder = make_locked_temporary(dir.path() / "out", true);
  const LockedTemporary file = make_locked_temporary(dir.path() / "result.json", false);
  const LockedTemporary held = make_locked_temporary(dir.path() / "summary.json", false);
  ASSERT_GE(folder.fd, 0);
  ASSERT_GE(file.fd, 0);
  ASSERT_GE(held.fd, 0);
  write_text(folder.path / "result.json", "{\"partial");
  write_text(file.path, "{\"partial");
  // Their writer killed: its locks are dropped, and its pid (ours) is a live process.
  ::close(folder.fd);
  ::close(file.fd);
  // Older callsims' (unmarked), of pid 1 and of ours.
  const fs::path older = dir.path() / ".rep.tmp-1-0",
                 older_ours = dir.path() / (".rep.tmp-" + std::to_string(::getpid()) + "-1");
  fs::create_directories(older / "calls");
  fs::create_directories(older_ours / "calls");
  EXPECT_EQ(remove_stale_temporaries(dir.path()), 2);
  EXPECT_FALSE(fs::exists(folder.path)) << "nobody holds it: a killed run's";
  EXPECT_FALSE(fs::exists(file.path)) << "nobody holds it: a killed run's";
  EXPECT_TRUE(fs::exists(held.path)) << "a live writer's file stays";
  EXPECT_TRUE(fs::exists(older / "calls")) << "an older callsim's stays while its pid lives";
  EXPECT_TRUE(fs::exists(older_ours / "calls")) << "an older callsim's stays while its pid lives";
  ::close(held.fd);
  EXPECT_EQ(remove_stale_temporaries(dir.path()), 1);
  EXPECT_FALSE(fs::exists(held.path));
}

// The same with a real StagedDir and AtomicOutput, whose writer's pid lives on as another program:
// a child makes them, then execs a shell (no destructors run: its temporaries stay, as a killed
// run's do). Their descriptors are close-on-exec, so the locks are gone once the shell runs, while
// the pid in their names is a live process, as a reused pid is.
TEST_F(OutputFaults, AKilledWritersTemporariesAreRemovedWhileItsPidIsAnotherLiveProcess) {
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  const pid_t writer = ::fork();
  ASSERT_GE(writer, 0);
  if (writer == 0) {
    ::close(ready[0]);
    ::close(release[1]);
    try {
      leave_partial_outputs(dir.path());
      // The shell says it runs (a line on `ready`), then waits for the end of `release`.
      if (::dup2(release[0], 0) == 0 && ::dup2(ready[1], 1) == 1)
        ::execl("/bin/sh", "sh", "-c", "echo; exec cat >/dev/null", static_cast<char*>(nullptr));
    } catch (...) {
    }
    ::_exit(1);
  }
  ::close(ready[1]);
  ::close(release[0]);
  struct Reap {  // the shell ends and is waited for, whatever the test asserts
    pid_t pid;
    int release;
    ~Reap() {
      ::close(release);
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
  } reap{writer, release[1]};
  char c = 0;
  const ssize_t got = ::read(ready[0], &c, 1);
  ::close(ready[0]);
  ASSERT_EQ(got, 1) << "the writer did not get to exec the shell";
  ASSERT_EQ(::kill(writer, 0), 0) << "the writer's pid is a live process";
  std::vector<fs::path> temporaries;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().filename().string().find(".tmp-" + std::to_string(writer) + "-") != std::string::npos)
      temporaries.push_back(e.path());
  ASSERT_EQ(temporaries.size(), 2u);
  EXPECT_EQ(remove_stale_temporaries(dir.path()), 2);
  for (const auto& t : temporaries) EXPECT_FALSE(fs::exists(t)) << t;
}

// A single output file (baseline, JUnit, results.jsonl) killed while written left its temporary
// beside it for good: in reports/, next to the baseline, `git add -A` took it. The next command
// writing a file in that folder removes those of processes that no longer run.
TEST_F(OutputFaults, TemporariesOfKilledFileWritersAreRemovedByTheNextWriterThere) {
  const std::string s = scenario("s.json", small_scenario("files"));
  ASSERT_EQ(run_cli({"sweep", s, "-o", dir / "sweep", "-q", "-j1"}).exit_code, 0);
  fs::create_directories(dir.path() / "reports");
  // pid 2^22 + 1 is above Linux's pid_max limit: no such process can exist.
  const std::string dead = ".baseline.json.tmp-4194305-0", alive = ".junit.xml.tmp-" + std::to_string(::getpid()) + "-3";
  write_text(dir.path() / "reports" / dead, "{\"partial");
  write_text(dir.path() / "reports" / alive, "<partial");
  const CliResult r = run_cli({"baseline", "update", dir / "sweep", "-o", dir / "reports/baseline.json"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::exists(dir.path() / "reports/baseline.json"));
  EXPECT_FALSE(fs::exists(dir.path() / "reports" / dead));
  EXPECT_TRUE(fs::exists(dir.path() / "reports" / alive)) << "a running process's temporary stays";
}

// report, check --junit and baseline update: a path that cannot be written is exit 2 naming it;
// a report replaces an earlier report whole and removes a killed report's temporary (26-102 MB
// folders were left behind before).
TEST_F(OutputFaults, ReportCheckAndBaselineOutputs) {
  const std::string s = scenario("s.json", small_scenario("reported"));
  ASSERT_EQ(run_cli({"sweep", s, "-o", dir / "sweep", "-q", "-j1"}).exit_code, 0);
  const std::string results = dir / "sweep";
  write_text(dir.path() / "file", "x");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"report", results, "--audio", "none", "-q", "-o", dir / "file/rep"},
        {"check", results, "--junit", dir / "file/junit.xml"},
        {"baseline", "update", results, "-o", dir / "file/baseline.json"}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find(dir / "file"), std::string::npos) << describe(r);
  }
  CliResult r = run_cli({"report", results, "--audio", "none", "-q", "-o", dir / "file"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find(dir / "file" + ": exists and is not a folder"), std::string::npos) << describe(r);
  r = run_cli({"report", results, "--audio", "none", "-q", "-o", "/proc/callsim-no-such-place/rep"});
  EXPECT_EQ(r.exit_code, 2) << describe(r);
  EXPECT_NE(r.err.find("/proc/callsim-no-such-place"), std::string::npos) << describe(r);

  // pid 2^22 + 1 is above Linux's pid_max limit: a report killed while writing.
  fs::create_directories(dir.path() / ".rep.tmp-4194305/calls/x");
  write_text(dir.path() / ".rep.tmp-4194305/calls/x/index.html", std::string(100000, 'x'));
  r = run_cli({"report", results, "--audio", "none", "-q", "-o", dir / "rep"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_FALSE(fs::exists(dir.path() / ".rep.tmp-4194305"));
  write_text(dir.path() / "rep/stale.txt", "from an earlier report");
  r = run_cli({"report", results, "--audio", "none", "-q", "-o", dir / "rep"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_TRUE(fs::exists(dir.path() / "rep/index.html"));
  EXPECT_FALSE(fs::exists(dir.path() / "rep/stale.txt")) << "an earlier report is replaced whole";
  for (const auto& e : fs::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

// `check --junit` over the results it read turned results.jsonl (or a run's result.json) into
// XML, and `netsim -o` over its link file turned it into CSV, exit 0 both.
TEST_F(OutputFaults, AnOutputFileThatIsAnInputIsRefusedAndLeftAsItWas) {
  const std::string s = scenario("s.json", small_scenario("inputs"));
  ASSERT_EQ(run_cli({"sweep", s, "-o", dir / "sweep", "-q", "-j1"}).exit_code, 0);
  ASSERT_EQ(run_cli({"run", s, "-o", dir / "run", "-q"}).exit_code, 0);
  const std::string jsonl = dir / "sweep/results.jsonl", result = dir / "run/result.json";
  const std::string lines = read_text(jsonl), run_json = read_text(result);
  write_text(dir.path() / "link.json", R"({"delay": {"base_ms": 30}, "loss": {"model": "bernoulli", "p": 0.01}})");
  const std::string link = dir / "link.json";
  for (const auto& [args, target] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"check", dir / "sweep", "--junit", jsonl}, jsonl},
           {{"check", dir / "sweep/../sweep/results.jsonl", "--junit", jsonl}, jsonl},
           {{"check", dir / "run", "--junit", result}, result},
           {{"netsim", link, "-o", link}, link}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_NE(r.err.find(target + ": "), std::string::npos) << describe(r);
    EXPECT_NE(r.err.find("is a file this command reads"), std::string::npos) << describe(r);
  }
  EXPECT_EQ(read_text(jsonl), lines);
  EXPECT_EQ(read_text(result), run_json);
  EXPECT_NE(read_text(link).find("bernoulli"), std::string::npos);
  // Beside the inputs is where CI keeps it: written.
  EXPECT_EQ(run_cli({"check", dir / "sweep", "--junit", dir / "sweep/junit.xml"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir.path() / "sweep/junit.xml"));
}

TEST_F(OutputFaults, ADamagedResultInASweepFolderIsRunAgain) {
  const std::string s = scenario("s.json", small_scenario("resumable"));
  ASSERT_EQ(run_cli({"sweep", s, "-o", dir / "sweep", "-q", "-j1"}).exit_code, 0);
  const fs::path result = dir.path() / "sweep/calls/resumable/result.json";
  const std::string good = read_text(result);
  write_text(result, good.substr(0, good.size() / 2));  // truncated, as after a node crash
  const CliResult r = run_cli({"sweep", s, "-o", dir / "sweep", "-j1"});
  EXPECT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_NE(r.err.find("(1 run, 0 resumed"), std::string::npos) << describe(r);
  EXPECT_EQ(read_text(result), good);
  // An unchanged folder is resumed.
  const CliResult again = run_cli({"sweep", s, "-o", dir / "sweep", "-j1"});
  EXPECT_NE(again.err.find("(0 run, 1 resumed"), std::string::npos) << describe(again);
}

TEST_F(OutputFaults, NonUtf8PathsGiveValidJsonOutputs) {
  const fs::path odd = dir.path() / "caf\xe9";
  fs::create_directory(odd);
  write_text(odd / "s\xff.json", small_scenario("odd").dump());
  const CliResult r = run_cli({"run", (odd / "s\xff.json").string(), "-o", (odd / "out").string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  const nlohmann::json result = nlohmann::json::parse(read_text(odd / "out/result.json"));  // strict UTF-8
  EXPECT_NE(result["scenario"]["file"].get<std::string>().find("caf\xef\xbf\xbd/s\xef\xbf\xbd.json"),
            std::string::npos);
  write_wav(odd / "r\xff.wav", 8000, 8000);
  const CliResult score =
      run_cli({"score", (odd / "r\xff.wav").string(), (odd / "r\xff.wav").string(), "--json"});
  EXPECT_EQ(score.exit_code, 0) << describe(score);
  EXPECT_NO_THROW({
    const auto j = nlohmann::json::parse(score.out);  // strict: valid UTF-8
    EXPECT_TRUE(j.is_object());
  }) << score.out;
}

}  // namespace
}  // namespace callsim::hardening
