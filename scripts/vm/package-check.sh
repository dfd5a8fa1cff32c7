#!/usr/bin/env bash
# Inside the VM (scripts/vm.sh with /usr, /etc and /var as overlays, so the
# host is never written): the Debian package from scripts/build-deb.sh is
# installed with apt-get, its daemon started as its systemd unit says, and
# the package removed and purged again. systemd is not PID 1 in the VM, so
# the unit is checked with systemd-analyze, and its ExecStartPre and
# ExecStart lines, its EnvironmentFile, RuntimeDirectory/LogsDirectory,
# CapabilityBoundingSet, NoNewPrivileges, UMask, KillSignal, ExecReload and
# Type=notify (a notify socket of our own) are carried out here as
# systemd would. ProtectSystem and the other namespace directives are
# verified by systemd-analyze only.
set -uo pipefail
# What the kernel suite exports for its own OVS tools must not leak into
# what an operator's machine would do (vtep-ctl's and ovs-appctl's defaults).
unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR
results=${VTEPKDP_RESULTS:-/tmp}
passed=0; failed=0
ok() { echo "package-check: ok: $*"; passed=$((passed + 1)); }
fail() { echo "package-check: FAIL: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() { echo "package-check: $passed passed, $failed failed"; [[ $failed -eq 0 ]]; exit $?; }

deb=$(ls -1 "$PWD"/dist/vtep-kdp_*.deb 2>/dev/null | head -n1)
[[ -n "$deb" ]] || { fail "no dist/vtep-kdp_*.deb (scripts/build-deb.sh makes it)"; finish; }
unit=/lib/systemd/system/vtep-kdp.service

# man-db's trigger would rebuild its whole index (minutes under emulation);
# without the index `man` still finds the page by its path.
rm -f /var/lib/man-db/auto-update
# Install: apt-get resolves the dependencies from what is installed (no network here).
check "apt-get install ./dist/$(basename "$deb")" apt-get install -y -q "$deb"
check "the unit is enabled (multi-user.target.wants)" test -L /etc/systemd/system/multi-user.target.wants/vtep-kdp.service
check "dpkg says installed" bash -c "dpkg-query -W -f='\${Status}' vtep-kdp | grep -q 'install ok installed'"
check "/usr/sbin/vtep-kdp runs (--version)" bash -c "/usr/sbin/vtep-kdp --version | grep -q '^vtep-kdp (vtep-kdp) '"
check "it loads only Debian's libraries and its own Swift runtime" \
    bash -c "ldd /usr/sbin/vtep-kdp > /tmp/ldd.txt && grep -q /usr/lib/vtep-kdp/libswiftCore.so /tmp/ldd.txt && ! grep 'not found' /tmp/ldd.txt \
        && ! awk '\$3 ~ /^\\// {print \$3}' /tmp/ldd.txt | grep -vE '^(/usr/lib/vtep-kdp|/lib/x86_64-linux-gnu|/usr/lib/x86_64-linux-gnu)/'"
check "man vtep-kdp finds the page" bash -c "man -w vtep-kdp | grep -q /usr/share/man/man8/vtep-kdp.8.gz"
verify=$(systemd-analyze verify "$unit" 2>&1)
check "systemd-analyze verify: clean${verify:+ ($verify)}" test -z "$verify"
systemd-analyze security --offline=yes "$unit" > "$results/unit-security.txt" 2>&1
echo "package-check: systemd-analyze security: $(grep -o 'Overall exposure level.*' "$results/unit-security.txt" | head -n1)"

# A VTEP database where the default settings look for it.
mkdir -p /var/run/openvswitch /tmp/pk
ovsdb-tool create /tmp/pk/vtep.db /usr/share/openvswitch/vtep.ovsschema
ovsdb-server /tmp/pk/vtep.db --remote=punix:/var/run/openvswitch/db.sock --detach --pidfile=/tmp/pk/ovsdb.pid \
    --unixctl=/tmp/pk/ovsdb.ctl --log-file=/tmp/pk/ovsdb.log
ip link add pk0 type dummy && ip link set pk0 up
vtep-ctl add-ps br0 && vtep-ctl set Physical_Switch br0 tunnel_ips=10.99.0.1 && vtep-ctl add-port br0 pk0 \
    && vtep-ctl add-ls ls0 && vtep-ctl bind-ls br0 pk0 0 ls0 && vtep-ctl set Logical_Switch ls0 tunnel_key=99 \
    && vtep-ctl add-ucast-remote ls0 00:11:22:33:44:99 10.99.0.2

# The settings an operator would write.
cat > /etc/default/vtep-kdp <<'SETTINGS'
VTEP_KDP_SWITCH=br0
VTEP_KDP_OPTS="--db unix:/var/run/openvswitch/db.sock --datapath pk-dp --port pk0 --metrics-address 127.0.0.1:9477"
SETTINGS

# systemd's side of Type=notify: a datagram socket that keeps what it is told.
python3 - <<'PY' &
import socket, os
path = "/run/pk-notify.sock"
if os.path.exists(path): os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(path)
with open("/tmp/pk/notify.log", "a", buffering=1) as log:
    while True: log.write(s.recv(4096).decode() + "\n--\n")
PY
notify_pid=$!
sleep 1

# ExecStartPre, RuntimeDirectory, LogsDirectory, then ExecStart as systemd
# expands it ($VAR: split into words, ${VAR}: one word), under the unit's
# bounding set and no-new-privileges, with its umask.
pre=$(sed -n 's/^ExecStartPre=[-+]*//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
reload=$(sed -n 's/^ExecReload=//p' "$unit")
caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' | sed 's/cap_/+/g; s/ /,/g')
umask_value=$(sed -n 's/^UMask=//p' "$unit")
bash -c "$pre" || true
mkdir -p /run/openvswitch /var/log/openvswitch
(
    set -a; . /etc/default/vtep-kdp; set +a
    umask "$umask_value"
    eval "exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin NOTIFY_SOCKET=/run/pk-notify.sock \
        setpriv --bounding-set=-all,$caps --inh-caps=-all --no-new-privs $start"
) > /tmp/pk/daemon.out 2>&1 &
daemon=$!
for _ in $(seq 300); do grep -q READY=1 /tmp/pk/notify.log 2>/dev/null && break; sleep 0.2; done
check "Type=notify: READY=1 once the first pass ran" grep -q "READY=1" /tmp/pk/notify.log
check "STATUS said what it waited for, then what it serves" \
    bash -c "grep -q 'STATUS=waiting for the VTEP database' /tmp/pk/notify.log && grep -q 'STATUS=serving br0' /tmp/pk/notify.log"
check "the daemon holds only CAP_NET_ADMIN (bounding set 0x1000)" \
    bash -c "grep -q '^CapBnd:.*0000000000001000$' /proc/$daemon/status && grep -q '^NoNewPrivs:.*1$' /proc/$daemon/status"
check "the remote MAC's flow is in the kernel" bash -c "ovs-dpctl dump-flows pk-dp | grep -q 'eth(dst=00:11:22:33:44:99)'"
check "the pidfile the unit names" test "$(cat /run/openvswitch/vtep-kdp.pid 2>/dev/null)" = "$daemon"
check "ovs-appctl -t vtep-kdp vtep/status" bash -c "ovs-appctl -t vtep-kdp vtep/status | grep -q 'flows: .* installed'"
check "the metrics endpoint" bash -c "curl -sf http://127.0.0.1:9477/metrics | grep -q '^vtep_kdp_passes_total '"
check "the log file the unit names, with the umask's mode (0640)" \
    bash -c "grep -q 'serving br0' /var/log/openvswitch/vtep-kdp.log && test \$(stat -c %a /var/log/openvswitch/vtep-kdp.log) = 640"
mv /var/log/openvswitch/vtep-kdp.log /var/log/openvswitch/vtep-kdp.log.1
MAINPID=$daemon bash -c "${reload//\$MAINPID/$daemon}"
for _ in $(seq 50); do grep -q "reopened the log file" /var/log/openvswitch/vtep-kdp.log 2>/dev/null && break; sleep 0.2; done
check "ExecReload (SIGHUP) reopens the log after logrotate" grep -q "reopened the log file" /var/log/openvswitch/vtep-kdp.log

# KillSignal=SIGTERM: a clean exit, STOPPING=1, and the flows stay.
kill -TERM "$daemon"
for _ in $(seq 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
kill -0 "$daemon" 2>/dev/null && { fail "SIGTERM: still running after 10 s"; kill -KILL "$daemon"; }
wait "$daemon"; status=$?
check "SIGTERM: exit status 0" test "$status" -eq 0
check "STOPPING=1 on the way out" grep -q "STOPPING=1" /tmp/pk/notify.log
check "the flows stay in the kernel after the stop" bash -c "ovs-dpctl dump-flows pk-dp | grep -q 'eth(dst=00:11:22:33:44:99)'"
check "the control socket is gone" bash -c "! ls /run/openvswitch/vtep-kdp.*.ctl 2>/dev/null"
kill "$notify_pid" 2>/dev/null

# An unset VTEP_KDP_SWITCH reaches the daemon as one empty word (systemd's
# ${VAR}): a usage error, exit 64, which RestartPreventExitStatus names.
/usr/sbin/vtep-kdp run --db unix:/nowhere "" >/dev/null 2>&1; status=$?
check "an empty switch name: exit 64 (RestartPreventExitStatus=64)" \
    bash -c "test $status -eq 64 && grep -q '^RestartPreventExitStatus=64' $unit"

# Remove, then purge: nothing of the package is left.
check "dpkg -r vtep-kdp" dpkg -r vtep-kdp
check "removed: binary, runtime, unit and page gone" bash -c \
    "! test -e /usr/sbin/vtep-kdp && ! test -e /usr/lib/vtep-kdp && ! test -e $unit && ! test -e /usr/share/man/man8/vtep-kdp.8.gz"
check "removed: the settings (a conffile) stay until purge" test -e /etc/default/vtep-kdp
check "dpkg -P vtep-kdp" dpkg -P vtep-kdp
check "purged: settings and unit links gone, dpkg forgets it" bash -c \
    "! test -e /etc/default/vtep-kdp && ! ls /etc/systemd/system/*/vtep-kdp.service 2>/dev/null && ! dpkg-query -W vtep-kdp 2>/dev/null"
ovs-appctl -t /tmp/pk/ovsdb.ctl exit 2>/dev/null
ovs-dpctl del-dp pk-dp 2>/dev/null
ip link del pk0 2>/dev/null
finish
