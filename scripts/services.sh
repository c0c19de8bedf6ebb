#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1; start them if they are
# installed here but down. Exits non-zero, saying which, if one is missing.
set -uo pipefail

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        echo "services: starting PostgreSQL" >&2
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    fi
fi
if ! redis_up; then
    if command -v redis-server >/dev/null; then
        echo "services: starting Redis" >&2
        mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
            --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    fi
fi
for _ in $(seq 1 30); do
    pg_up && redis_up && exit 0
    sleep 1
done
pg_up || echo "services: PostgreSQL is not answering on 127.0.0.1:5432" >&2
redis_up || echo "services: Redis is not answering on 127.0.0.1:6379" >&2
exit 1
