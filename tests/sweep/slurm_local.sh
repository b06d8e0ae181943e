#!/bin/bash
# A private single-node SLURM cluster for tests, everything under one folder.
#
#   tests/sweep/slurm_local.sh start DIR   start munged, slurmctld and slurmd under DIR; once sinfo shows
#                                    the node idle, print "export SLURM_CONF=DIR/slurm.conf" (also
#                                    written to DIR/env.sh)
#   tests/sweep/slurm_local.sh stop DIR    cancel its jobs and stop its daemons (running again is harmless)
#
# The cluster is this machine (its hostname, CPUs and memory from `slurmd -C`) in one default
# partition, with its own munge key and socket, state, spool, logs and pid files in DIR, and ports
# from 16817 up that nothing listens on; a system SLURM or munged is left alone. Needs root and
# Debian's slurmctld, slurmd, slurm-client and munge. When the cluster cannot start, the status is
# nonzero and stderr has one line saying why.
set -u
PATH=$PATH:/usr/sbin:/sbin

die() {
  echo "slurm_local.sh: $*" >&2
  exit 1
}

usage() {
  sed -n '2,13s/^# \{0,1\}//p' "$0" >&2
  exit 2
}

# running PID: the process runs (a zombie does not count)
running() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [ -n "$state" ] && [ "$state" != Z ]
}

# alive PIDFILE: the process of the pid file runs
alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && running "$pid"
}

# stop_pid PIDFILE: TERM, then KILL after 5 s, the process of the pid file if it runs
stop_pid() {
  local i pid
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] || return 0
  running "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 50); do
    running "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  sleep 0.2
}

# last_error NAME: the last error or fatal line of NAME's log, else of its stderr (log/NAME.stderr)
last_error() {
  local f line
  for f in "$dir/log/$1.log" "$dir/log/$1.stderr"; do
    [ -s "$f" ] || continue
    line=$(grep -E 'fatal|error|Error' "$f" | grep -vE 'state file|NOTE: Trying backup|MailProg' | tail -1)
    line=${line:-$(tail -1 "$f")}
    [ -n "$line" ] && { echo "$line"; return; }
  done
  echo "nothing in $dir/log/$1.log"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

node_state() {
  sinfo -h -N -n "$node" -o '%T' 2>/dev/null | head -1
}

start() {
  local t key sock port i state
  # a failed start leaves nothing running
  trap '[ $? = 0 ] || stop >/dev/null 2>&1' EXIT
  for t in munged munge unmunge slurmctld slurmd sinfo squeue scontrol sbatch; do
    command -v "$t" >/dev/null ||
      die "$t not found (Debian: apt-get install --no-install-recommends slurmctld slurmd slurm-client munge)"
  done
  [ "$(id -u)" = 0 ] || die "needs root (SlurmUser=root, and slurmd runs jobs as their users)"
  mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log" || die "cannot create folders under $dir"
  conf=$dir/slurm.conf
  export SLURM_CONF=$conf
  node=$(hostname -s)

  # munge: a private daemon with its own key and socket
  key=$dir/munge/munge.key
  sock=$dir/munge/munge.socket
  [ ${#sock} -lt 100 ] || die "path too long for a socket: $sock"
  if [ ! -s "$key" ]; then
    (umask 077 && head -c 1024 /dev/urandom >"$key") || die "cannot write the munge key $key"
  fi
  if ! alive "$dir/munge/munged.pid"; then
    chmod 755 "$dir/munge"
    # --force: the folders above DIR may be private (a mkdtemp folder); every client here is root
    munged --force --socket="$sock" --key-file="$key" --pid-file="$dir/munge/munged.pid" \
      --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed" 2>"$dir/log/munged.stderr" ||
      die "munged did not start: $(last_error munged)"
  fi
  for i in $(seq 50); do
    munge -n -S "$sock" 2>/dev/null | unmunge -S "$sock" >/dev/null 2>&1 && break
    [ "$i" = 50 ] && die "munged does not answer on $sock: $(last_error munged)"
    sleep 0.1
  done

  if alive "$dir/slurmctld.pid" && alive "$dir/slurmd.pid"; then
    case $(node_state) in
      idle | mixed | allocated | completing) ready && return ;;
    esac
  fi
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"

  port=16817
  while port_in_use $port || port_in_use $((port + 1)); do
    port=$((port + 2))
    [ $port -lt 17017 ] || die "no two free ports in 16817-17016"
  done
  hw=$(slurmd -C 2>/dev/null | grep '^NodeName=') || die "slurmd -C cannot describe this machine"
  cat >"$conf" <<EOF
# A private single-node cluster written by tests/sweep/slurm_local.sh; stop it with
# tests/sweep/slurm_local.sh stop $dir
ClusterName=mhlocal
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# no cgroups: processes are tracked through /proc, tasks are not bound
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# start a waiting batch job (next array task, dependent job) within a second, not three
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
KillWait=5
$hw NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

  slurmctld -f "$conf" 2>"$dir/log/slurmctld.stderr" || die "slurmctld did not start: $(last_error slurmctld)"
  for i in $(seq 100); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    alive "$dir/slurmctld.pid" || [ "$i" -lt 20 ] ||
      die "slurmctld exited: $(last_error slurmctld)"
    [ "$i" = 100 ] && die "slurmctld does not answer after 10 s: $(last_error slurmctld)"
    sleep 0.1
  done
  slurmd -f "$conf" 2>"$dir/log/slurmd.stderr" || die "slurmd did not start: $(last_error slurmd)"
  for i in $(seq 300); do
    state=$(node_state)
    [ "$state" = idle ] && break
    alive "$dir/slurmd.pid" || [ "$i" -lt 20 ] || die "slurmd exited: $(last_error slurmd)"
    [ "$i" = 300 ] && die "node $node is '$state' after 30 s, not idle: $(sinfo -h -N -o '%E' | head -1);" \
      "$(last_error slurmd)"
    sleep 0.1
  done
  ready
}

ready() {
  echo "export SLURM_CONF=$conf" >"$dir/env.sh"
  echo "export SLURM_CONF=$conf"
}

stop() {
  local i p f n pids
  conf=$dir/slurm.conf
  export SLURM_CONF=$conf
  if alive "$dir/slurmctld.pid"; then
    scancel --user="$(id -un)" 2>/dev/null
    for i in $(seq 100); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.1
    done
    scontrol shutdown >/dev/null 2>&1
    for i in $(seq 50); do
      alive "$dir/slurmctld.pid" || alive "$dir/slurmd.pid" || break
      sleep 0.1
    done
  fi
  stop_pid "$dir/slurmd.pid"
  stop_pid "$dir/slurmctld.pid"
  stop_pid "$dir/munge/munged.pid"
  # job steps that outlived their slurmd (a slurmstepd writing to this cluster's slurmd log), with
  # every process under them
  pids=" "
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
    for f in "$p"/fd/*; do
      [[ $(readlink "$f") == "$dir"/log/* ]] && pids="$pids${p#/proc/} " && break
    done
  done
  n=0
  while [ "$n" != ${#pids} ]; do
    n=${#pids}
    pids="$pids$(ps -eo pid=,ppid= | awk -v s="$pids" 'index(s, " " $2 " ") && !index(s, " " $1 " ") {printf "%s ", $1}')"
  done
  # shellcheck disable=SC2086 # a list of pids
  [ "$pids" = " " ] || kill -KILL $pids 2>/dev/null
  for f in slurmd.pid slurmctld.pid munge/munged.pid; do
    ! alive "$dir/$f" || die "pid $(cat "$dir/$f" 2>/dev/null) of $dir/$f still runs"
  done
}

[ $# = 2 ] || usage
dir=$(realpath -m "$2")
case $1 in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
