-- Sets the marker (KEYS[1]) and applies the increments in one script: all of
-- them happen, once, or none.
-- ARGV: the marker's ttl, then ops naming counter keys by their index in KEYS:
--   'i', key index, field, by   (HINCRBY)
--   'e', key index, seconds     (EXPIRE)
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local i = 2
while i <= #ARGV do
  local key = KEYS[tonumber(ARGV[i + 1])]
  if ARGV[i] == 'i' then
    redis.call('HINCRBY', key, ARGV[i + 2], ARGV[i + 3])
    i = i + 4
  else
    redis.call('EXPIRE', key, ARGV[i + 2])
    i = i + 3
  end
end
return 1
