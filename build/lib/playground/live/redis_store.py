"""Sessions in Redis, for several replicas behind a load balancer (REDIS_URL).

One hash per session (the snapshot's fields and the token's hash) that expires with
the session, one sorted set of follower reports per session (score: last report), and
one sorted set of open sessions for the session bound. A change is an optimistic
transaction (WATCH the hash, compute with model.py, MULTI/EXEC), so two replicas
handling the same lecturer never lose an event.
"""

from __future__ import annotations

import math

import redis

from . import model
from .model import Full, Gone, Limits, Snapshot, expired, fresh, from_record, to_record
from .store import Change, Store

PREFIX = "pg:live:"
OPEN = PREFIX + "open"
# the session bound and the insert in one step: count the open sessions, then create
CREATE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return -1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 6))
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
return 1
"""


def _session(code: str) -> str:
    return f"{PREFIX}s:{code}"


def _followers(code: str) -> str:
    return f"{PREFIX}f:{code}"


class RedisStore(Store):
    name = "redis"

    def __init__(self, url: str, limits: Limits) -> None:
        super().__init__(limits)
        # redis-py's pool notices a fork and opens new connections in the child
        self.r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, health_check_interval=30)
        self._create = self.r.register_script(CREATE)
        self._ttl = max(1, math.ceil(limits.ttl))

    def create(self, query: str, now: float) -> tuple[Snapshot, str]:
        token = model.new_token()
        for _ in range(8):
            s = fresh(model.new_code(), query, now)
            fields = [x for kv in {**to_record(s), "token_hash": model.token_hash(token)}.items() for x in kv]
            args = [now, self.limits.ttl, self.limits.max_sessions, self._ttl, s.code, *fields]
            done = self._create(keys=[OPEN, _session(s.code)], args=args)
            if done == 1:
                return s, token
            if done == -1:
                raise Full(f"too many live sessions are open (at most {self.limits.max_sessions})")
        raise Full("no free room code")

    def _load(self, code: str) -> tuple[Snapshot, str] | None:
        rec = self.r.hgetall(_session(code))
        return (from_record(rec), rec["token_hash"]) if rec else None

    def _transact(self, code: str, now: float, change: Change) -> Snapshot:
        key = _session(code)
        with self.r.pipeline() as p:
            while True:
                try:
                    p.watch(key)
                    rec = p.hgetall(key)
                    if not rec or expired(from_record(rec), now, self.limits):
                        raise Gone("no such live session (it ended or expired)")
                    new = change(from_record(rec), rec["token_hash"])
                    p.multi()
                    p.hset(key, mapping=to_record(new))
                    p.expire(key, self._ttl)
                    p.expire(_followers(code), self._ttl)
                    if new.ended:
                        p.zrem(OPEN, code)
                    else:
                        p.zadd(OPEN, {code: now})
                    p.execute()
                    return new
                except redis.WatchError:
                    continue

    def follow(self, code: str, follower: str, now: float) -> None:
        key = _followers(code)
        p = self.r.pipeline(transaction=False)
        p.zadd(key, {follower: now})
        p.zremrangebyrank(key, 0, -(self.limits.max_followers + 1))  # keep the newest reports only
        p.expire(key, self._ttl)
        p.execute()

    def followers(self, code: str, now: float) -> int:
        key = _followers(code)
        p = self.r.pipeline(transaction=False)
        p.zremrangebyscore(key, "-inf", now - self.limits.follower_window)
        p.zcard(key)
        return int(p.execute()[1])

    def close(self) -> None:
        self.r.close()
