#!/usr/bin/env bash
# A one-node Slurm cluster on 127.0.0.1 for tests/slurm.rs, in a folder of
# its own, with no systemd: munged with its own key and socket, slurmctld
# and slurmd as root, each started here and stopped by its PID.
#
#   cluster.sh start DIR   writes DIR/slurm.conf, DIR/cgroup.conf and the
#                          munge key, starts the three daemons, waits until
#                          the node is idle; prints the daemons' PIDs in
#                          DIR/pids (one a line). Exit 0 only when the node
#                          takes jobs.
#   cluster.sh stop DIR    kills each PID in DIR/pids (TERM, then KILL).
#
# Everything a client needs is in DIR/env (source it): SLURM_CONF.
# Slurm's defaults that cannot work in a container are set otherwise:
# ProctrackType=proctrack/linuxproc and TaskPlugin=task/none (with
# proctrack/cgroup every task fails in a sandbox while sbatch --wait still
# exits 0), no accounting, no cgroup plugin.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

cmd=${1:?usage: cluster.sh start|stop DIR}
dir=$(realpath -m "${2:?usage: cluster.sh start|stop DIR}")

stop() {
  [ -f "$dir/pids" ] || return 0
  local pid
  while read -r pid; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done <"$dir/pids"
  for _ in $(seq 50); do
    local alive=0
    while read -r pid; do
      [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && alive=1
    done <"$dir/pids"
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  while read -r pid; do
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
  done <"$dir/pids"
  rm -f "$dir/pids"
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

start() {
  mkdir -p "$dir"/{munge,state,spool,log}
  chmod 755 "$dir/munge"
  : >"$dir/pids"
  # munge: its own key, socket, pid and seed files, all in DIR.
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  local sock="$dir/munge/munge.socket"
  munged --force --foreground --key-file="$dir/munge/munge.key" --socket="$sock" \
    --pid-file="$dir/munge/munged.pid" --seed-file="$dir/munge/munged.seed" \
    --log-file="$dir/log/munged.log" </dev/null >>"$dir/log/munged.out" 2>&1 &
  echo $! >>"$dir/pids"
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  [ -S "$sock" ] || { echo "munged did not start: $(cat "$dir/log/munged.log" 2>/dev/null)" >&2; return 1; }

  # slurmctld serves only on the host SlurmctldHost names, so the node and
  # the controller take this machine's short name; every address is 127.0.0.1.
  local host
  host=$(hostname -s)
  local ctld_port slurmd_port
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  local cpus
  cpus=$(nproc)
  cat >"$dir/slurm.conf" <<CONF
ClusterName=laminate
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MaxArraySize=1001
# A job whose dependency can no longer be met (a failed shard) is cancelled,
# so a waiting merge job ends instead of hanging.
SchedulerParameters=kill_invalid_depend
MinJobAge=300
InactiveLimit=0
KillWait=5
Waittime=0
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus State=UNKNOWN
PartitionName=batch Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
CONF
  cat >"$dir/cgroup.conf" <<CONF
# Not used: proctrack/linuxproc and task/none need no cgroups.
CgroupPlugin=autodetect
IgnoreSystemd=yes
CONF
  echo "export SLURM_CONF=$dir/slurm.conf" >"$dir/env"
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -D -i -f "$dir/slurm.conf" </dev/null >>"$dir/log/slurmctld.out" 2>&1 &
  echo $! >>"$dir/pids"
  slurmd -D -N "$host" -f "$dir/slurm.conf" </dev/null >>"$dir/log/slurmd.out" 2>&1 &
  echo $! >>"$dir/pids"
  for _ in $(seq 100); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then
      return 0
    fi
    sleep 0.1
  done
  echo "the node did not come up; sinfo says: $(sinfo -h -o '%t %E' 2>&1)" >&2
  tail -n 20 "$dir"/log/*.log "$dir"/log/*.out >&2 || true
  return 1
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: cluster.sh start|stop DIR" >&2; exit 2 ;;
esac
