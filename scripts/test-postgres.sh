#!/usr/bin/env bash
# A PostgreSQL server for the tests on this machine: installs Debian's `postgresql` if missing (as root or with
# sudo), starts its cluster (pg_ctlcluster) and makes the throwaway test role `ogi_test` (password ogi_test,
# may create databases). The tests make and drop their own databases (tests/pgserver.py).
# Prints the connection string of the role (its only line on stdout; the rest goes to stderr); exits non-zero
# when no server could be started.
set -u
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@" 2>/dev/null || su postgres -s /bin/sh -c "$(printf '%q ' "$@")";
  else sudo -n -u postgres "$@"; fi
}
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || { echo "没有 apt-get，无法安装 PostgreSQL" >&2; exit 1; }
  echo "安装 PostgreSQL（测试用）…" >&2
  (as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null \
    || { echo "无法安装 PostgreSQL" >&2; exit 1; }
fi
cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  version=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)
  [ -n "$version" ] || { echo "找不到 PostgreSQL 的安装" >&2; exit 1; }
  as_root pg_createcluster "$version" main >/dev/null 2>&1 || { echo "无法创建 PostgreSQL 集群" >&2; exit 1; }
  cluster="$version main"
fi
# shellcheck disable=SC2086
as_root pg_ctlcluster $cluster start >/dev/null 2>&1 || true
port=$(pg_lsclusters --no-header | awk -v v="${cluster% *}" -v n="${cluster#* }" '$1==v && $2==n {print $3}')
for _ in $(seq 1 30); do
  pg_isready -q -h localhost -p "$port" && break
  sleep 1
done
pg_isready -q -h localhost -p "$port" || { echo "PostgreSQL 未能启动（端口 $port）" >&2; exit 1; }
as_postgres psql -q -p "$port" -v ON_ERROR_STOP=1 <<'SQL' >/dev/null || { echo "无法建立测试角色 ogi_test" >&2; exit 1; }
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ogi_test') THEN
    CREATE ROLE ogi_test LOGIN PASSWORD 'ogi_test' CREATEDB;
  END IF;
END $$;
SQL
echo "postgresql://ogi_test:ogi_test@localhost:$port/postgres"
