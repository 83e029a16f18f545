-- Compare-and-extend: only the holder's token (ARGV[1]) may renew the lock, for ARGV[2] ms.
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
