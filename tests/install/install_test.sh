#!/bin/sh
# The installed callsim, as a user and a plugin author get it.
# Usage: install_test.sh BUILD_DIR WORK_DIR CMAKE CPACK
set -eu
build=$1 work=$2 cmake=$3 cpack=$4
rm -rf "$work"
mkdir -p "$work/elsewhere"
prefix=$work/prefix
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }

# 1. Install into a temporary prefix: the files where users and plugin authors look.
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log"; exit 1; }
for f in bin/callsim \
         share/callsim/scenarios/schema/scenario.schema.json \
         share/callsim/scenarios/default.json \
         share/callsim/scenarios/profiles/lte_handover.json \
         share/callsim/scenarios/library/good_wifi_call.json \
         share/callsim/scenarios/suites/smoke/smoke_fec.json \
         share/callsim/scenarios/matrices/nightly.json \
         include/callsim/callsim_jb_plugin.h \
         share/cmake/callsim/callsimConfig.cmake \
         share/cmake/callsim/callsimConfigVersion.cmake \
         share/cmake/callsim/callsimTargets.cmake \
         share/doc/callsim/README.md \
         share/doc/callsim/examples/jb_plugin/CMakeLists.txt \
         share/doc/callsim/examples/jb_plugin/fixed_delay_plugin.c; do
  test -f "$prefix/$f" || fail "not installed: $f"
done
test -x "$prefix/bin/callsim" || fail "bin/callsim is not executable"

# 2. The installed binary, from a folder that is not the source tree, with a clean environment,
#    validates every installed scenario and runs a library scenario (a profile by name, built-in
#    talkers) with its measured expectations holding.
cd "$work/elsewhere"
run() { env -i PATH=/usr/bin:/bin HOME="$work" "$prefix/bin/callsim" "$@"; }
run --version | head -1 | grep -q '^callsim [0-9]' || fail "callsim --version"
run validate "$prefix"/share/callsim/scenarios/library/*.json "$prefix"/share/callsim/scenarios/suites/smoke/*.json \
  >"$work/validate.log" 2>&1 || { cat "$work/validate.log"; fail "validate of the installed scenarios"; }
run sweep "$prefix/share/callsim/scenarios/matrices/smoke.json" --list >"$work/list.log" 2>&1 ||
  { cat "$work/list.log"; fail "the installed smoke matrix does not expand"; }
test "$(wc -l <"$work/list.log")" -eq 6 || { cat "$work/list.log"; fail "smoke matrix: expected 6 jobs"; }
run run "$prefix/share/callsim/scenarios/library/lte_handover_drive.json" -o "$work/lte" >"$work/run.log" 2>&1 ||
  { cat "$work/run.log"; fail "run of an installed library scenario"; }
grep -q '"passed": true' "$work/lte/result.json" || fail "lte_handover_drive: expectations did not hold"
test -s "$work/lte/alice-to-bob/degraded.wav" || fail "no degraded.wav"

# 3. A plugin author: the example built against the installed package with find_package(callsim),
#    then played through the installed binary (a 100 ms fixed buffer: mouth-to-ear above 120 ms).
"$cmake" -S "$prefix/share/doc/callsim/examples/jb_plugin" -B "$work/plugin" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$work/plugin.log" 2>&1 || { cat "$work/plugin.log"; fail "plugin configure"; }
"$cmake" --build "$work/plugin" >>"$work/plugin.log" 2>&1 || { cat "$work/plugin.log"; fail "plugin build"; }
plugin=$work/plugin/libcallsim_jb_fixed_example.so
test -f "$plugin" || fail "plugin not built"
cat >"$work/plugin_call.json" <<JSON
{
  "name": "installed_plugin_call", "duration_s": 4, "seed": 5,
  "peers": {"alice": {"talker": "de_female"},
            "bob": {"jitter_buffer": {"plugin": "$plugin", "config": {"delay_ms": 100}}}},
  "links": {"alice->bob": {"delay": {"base_ms": 30, "jitter_ms": 5}}},
  "scoring": {"pesq": false},
  "expect": {"all": ["mouth_to_ear_mean_ms >= 120", "mouth_to_ear_max_ms <= 190"]}
}
JSON
run run "$work/plugin_call.json" --no-audio -o "$work/plugin_call" >"$work/plugin_call.log" 2>&1 ||
  { cat "$work/plugin_call.log"; fail "call through the plugin built against the installed package"; }

# 4. The Debian package: cpack in the build folder, its file list and computed dependencies.
(cd "$build" && "$cpack" -G DEB -B "$work/package") >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$work"/package/callsim_*.deb)
dpkg-deb -c "$deb" >"$work/deb-files.txt"
for f in ./usr/bin/callsim ./usr/include/callsim/callsim_jb_plugin.h ./usr/share/cmake/callsim/callsimConfig.cmake \
         ./usr/share/callsim/scenarios/library/good_wifi_call.json ./usr/share/callsim/scenarios/profiles/3g.json; do
  grep -q " $f\$" "$work/deb-files.txt" || fail "$f not in $deb"
done
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libopus0 libsndfile1 libsoxr0; do
  echo "$depends" | grep -q "$lib" || fail "Depends lacks $lib: $depends"
done
echo "install_test: ok ($(du -h "$deb" | cut -f1) $deb)"
